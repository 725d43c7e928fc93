package helperbin

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// LibexecDir is where the Debian package installs the helpers.
const LibexecDir = "/usr/libexec/govrrpd"

// Find returns the helper called name to run: flag if given (a
// --*-helper option), else name beside the running executable (a build
// tree, a tarball), else in libexec/govrrpd of its prefix (make install),
// else in LibexecDir. The error names every path tried.
func Find(name, flag string) (string, error) {
	cands := candidates(name, flag)
	for _, c := range cands {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	return "", fmt.Errorf("helper %s not found (tried %s)", name, strings.Join(cands, ", "))
}

func candidates(name, flag string) []string {
	if flag != "" {
		return []string{flag}
	}
	var cands []string
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		cands = append(cands, filepath.Join(dir, name), filepath.Join(dir, "..", "libexec", "govrrpd", name))
	}
	if def := filepath.Join(LibexecDir, name); !slices.Contains(cands, def) {
		cands = append(cands, def)
	}
	return cands
}
