package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "bin", "output `directory` for the .deb (and the staged files)")
	goarch := flag.String("arch", envOr("GOARCH", runtime.GOARCH), "target `GOARCH`")
	flag.Parse()
	path, err := build(*out, *goarch)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mkdeb: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(path)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// build stages the files under out/deb-root and writes the package to out.
func build(out, goarch string) (string, error) {
	v, err := gitVersion()
	if err != nil {
		return "", err
	}
	stage := filepath.Join(out, "deb-stage")
	if err := os.RemoveAll(stage); err != nil {
		return "", err
	}
	if err := os.MkdirAll(stage, 0o755); err != nil {
		return "", err
	}
	// govrrpd and its helpers (every cmd/govrrpd-*: contents installs
	// them in /usr/libexec/govrrpd, where govrrpd finds them).
	if err := goBuild(stage+string(filepath.Separator), "./cmd/...", goarch, v.deb); err != nil {
		return "", err
	}
	bin := filepath.Join(stage, "govrrpd")
	for _, m := range manPages {
		if err := genMan(bin, goarch, m, stage, v.date); err != nil {
			return "", err
		}
	}
	name := fmt.Sprintf("govrrpd_%s_%s.deb", v.deb, debArch(goarch))
	path := filepath.Join(out, name)
	if err := writeDeb(path, stage, goarch, v); err != nil {
		return "", err
	}
	return path, nil
}

// goBuild builds the static binaries the package ships (no cgo: they run
// on any Debian release without a libc dependency); out is a file, or a
// directory ending in a separator for several commands.
func goBuild(out, pkg, goarch, version string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

// manPage is one page the binary generates.
type manPage struct {
	file string // e.g. govrrpd.8
	args []string
}

var manPages = []manPage{
	{"govrrpd.8", []string{"--section", "8"}},
	{"govrrpd.conf.5", []string{"--section", "5", "--keywords", "docs/keywords.md"}},
}

// genMan runs `govrrpd man` (the built binary when it can run here, else
// `go run` for the host) and gzips the page as Debian installs man pages.
func genMan(bin, goarch string, m manPage, stage string, date time.Time) error {
	args := append([]string{"man", "--date", date.Format(time.DateOnly)}, m.args...)
	cmd := exec.Command(bin, args...)
	if goarch != runtime.GOARCH || runtime.GOOS != "linux" {
		cmd = exec.Command("go", append([]string{"run", "./cmd/govrrpd"}, args...)...)
	}
	var page strings.Builder
	cmd.Stdout, cmd.Stderr = &page, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("govrrpd man %s: %w", m.file, err)
	}
	return writeGzip(filepath.Join(stage, m.file+".gz"), []byte(page.String()), date)
}
