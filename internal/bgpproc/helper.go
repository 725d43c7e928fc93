package bgpproc

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const (
	// HelperName is the helper's file name.
	HelperName = "govrrpd-bgp"
	// DefaultHelper is where the Debian package installs it.
	DefaultHelper = "/usr/libexec/govrrpd/" + HelperName
)

// FindHelper returns the helper to run: flag (--bgp-helper) if given,
// else govrrpd-bgp beside the running executable (a build tree, a
// tarball), else in libexec/govrrpd of its prefix (make install), else
// DefaultHelper. The error names every path tried.
func FindHelper(flag string) (string, error) {
	var cands []string
	if flag != "" {
		cands = []string{flag}
	} else {
		if exe, err := os.Executable(); err == nil {
			dir := filepath.Dir(exe)
			cands = append(cands, filepath.Join(dir, HelperName), filepath.Join(dir, "..", "libexec", "govrrpd", HelperName))
		}
		if !slices.Contains(cands, DefaultHelper) {
			cands = append(cands, DefaultHelper)
		}
	}
	for _, c := range cands {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	return "", fmt.Errorf("bgp helper %s not found (tried %s): --bgp-config needs it; install it or name it with --bgp-helper",
		HelperName, strings.Join(cands, ", "))
}
