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
	bin := filepath.Join(stage, "govrrpd")
	if err := goBuild(bin, "./cmd/govrrpd", goarch, v.deb); err != nil {
		return "", err
	}
	// The BGP helper, which --bgp-config runs (internal/bgpproc).
	if err := goBuild(filepath.Join(stage, "govrrpd-bgp"), "./cmd/govrrpd-bgp", goarch, v.deb); err != nil {
		return "", err
	}
	// The HTTP_GET/SSL_GET helper (internal/checkproc).
	if err := goBuild(filepath.Join(stage, "govrrpd-check"), "./cmd/govrrpd-check", goarch, v.deb); err != nil {
		return "", err
	}
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

// goBuild builds a static binary the package ships (no cgo: it runs on
// any Debian release without a libc dependency).
func goBuild(bin, pkg, goarch, version string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", bin, pkg)
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
