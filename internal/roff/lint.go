package roff

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// ErrNoLinter means groff or mandoc is not installed.
var ErrNoLinter = errors.New("groff or mandoc not installed")

// Lint renders page with `groff -ww -man -Tutf8` and checks it with
// `mandoc -T lint`, as `man -l` users would see it, and returns every
// warning either prints.
func Lint(page []byte) error {
	for _, tool := range []string{"groff", "mandoc"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%w: %s", ErrNoLinter, tool)
		}
	}
	var problems []string
	groff := exec.Command("groff", "-ww", "-man", "-Tutf8", "-z")
	groff.Stdin = bytes.NewReader(page)
	if out, err := groff.CombinedOutput(); err != nil || len(out) > 0 {
		problems = append(problems, fmt.Sprintf("groff -ww: %v\n%s", err, out))
	}
	// mandoc reports STYLE hints too (-W warning keeps WARNING and worse).
	mandoc := exec.Command("mandoc", "-T", "lint", "-W", "warning")
	mandoc.Stdin = bytes.NewReader(page)
	if out, err := mandoc.CombinedOutput(); err != nil || len(out) > 0 {
		problems = append(problems, fmt.Sprintf("mandoc -T lint: %v\n%s", err, out))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}
