package check

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
)

// miscProber runs MISC_CHECK's misc_path. The command runs in its own
// process group so a timeout kills the script and everything it spawned.
type miscProber struct {
	argv    []string
	raw     string
	dynamic bool
	cred    *credential
}

func newMisc(c Checker) (Prober, error) {
	m := c.Misc()
	if m == nil || m.Path.IsZero() {
		return nil, fmt.Errorf("MISC_CHECK needs misc_path")
	}
	p := &miscProber{argv: m.Path.Argv, raw: m.Path.Raw, dynamic: m.Dynamic}
	if m.Path.User != "" {
		cred, err := lookupCredential(m.Path.User, m.Path.Group)
		if err != nil {
			return nil, err
		}
		p.cred = cred
	}
	return p, nil
}

// Probe runs the script; ctx's deadline is misc_timeout.
func (p *miscProber) Probe(ctx context.Context) Outcome {
	err := p.command(ctx, p.argv).Run()
	if errors.Is(err, syscall.ENOEXEC) {
		// A script without a #! line: keepalived hands it to the shell.
		err = p.command(ctx, append([]string{"/bin/sh"}, p.argv...)).Run()
	}
	if ctx.Err() != nil {
		return downAs(FailTimeout, "misc_path %q killed after timeout", p.raw)
	}
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return down("misc_path %q: %v", p.raw, err)
		}
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return downAs(FailScriptKilled, "misc_path %q killed by %v", p.raw, ws.Signal())
		}
		code = ee.ExitCode()
	}
	return miscOutcome(code, p.dynamic)
}

// miscOutcome is keepalived's exit-code rule: 0 up; without misc_dynamic
// anything else is down; with it 1 is down and 2..255 is up with weight
// code-2 (0 restores the configured weight).
func miscOutcome(code int, dynamic bool) Outcome {
	switch {
	case code == 0:
		return up("misc_path exited 0")
	case !dynamic || code == 1:
		return downAs(FailScriptExit, "misc_path exited %d", code)
	}
	o := up(fmt.Sprintf("misc_path exited %d: weight %d", code, code-2))
	o.Weight, o.WeightSet = code-2, true
	return o
}
