package scriptexec

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/script"
)

// Runner carries the global script settings.
type Runner struct {
	// DefaultUser/DefaultGroup come from global_defs script_user; empty
	// runs as the daemon's own user.
	DefaultUser, DefaultGroup string
	// Secure is enable_script_security: refuse scripts that a non-root
	// user could change.
	Secure bool
	// ChildNice, when set and reporting true, is the nice value a script
	// gets instead of the daemon's: what the daemon started with, before
	// vrrp_priority raised it.
	ChildNice func() (int, bool)
}

// Result is how a run ended.
type Result struct {
	ExitCode int // -1 when killed or not started
	TimedOut bool
	Err      error
}

// Command builds the exec.Cmd for spec with extra arguments appended (the
// generic notify's INSTANCE NAME STATE PRIO).
func (r *Runner) Command(ctx context.Context, spec script.Spec, extra ...string) (*exec.Cmd, error) {
	if len(spec.Argv) == 0 {
		return nil, errors.New("empty command")
	}
	var cmd *exec.Cmd
	if isExecutable(spec.Argv[0]) {
		args := append(append([]string(nil), spec.Argv[1:]...), extra...)
		cmd = exec.CommandContext(ctx, spec.Argv[0], args...)
	} else {
		line := spec.Raw
		for _, e := range extra {
			line += " " + e
		}
		cmd = exec.CommandContext(ctx, "/bin/sh", "-c", line)
	}
	cmd.SysProcAttr = sysProcAttr()
	// Kill the whole process group on timeout, not just the shell.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	u, g, err := r.runAs(spec)
	if err != nil {
		return nil, err
	}
	if u != "" {
		cred, err := credential(u, g)
		if err != nil {
			return nil, err
		}
		cmd.SysProcAttr.Credential = cred
	}
	if r.Secure {
		if err := CheckSecure(spec.Argv[0]); err != nil {
			return nil, err
		}
	}
	return cmd, nil
}

// defaultScriptUser is keepalived's default script user when script_user
// is not set; a variable so tests can name one that exists.
var defaultScriptUser = "keepalived_script"

// runAs is the user and group spec runs as, keepalived's way: its own
// user, else script_user, else keepalived_script when that user exists,
// else the daemon's own user — which enable_script_security forbids
// (keepalived removes such scripts; the configuration check does too, and
// this refusal keeps any that reach here from running as root).
func (r *Runner) runAs(spec script.Spec) (string, string, error) {
	if spec.User != "" {
		return spec.User, spec.Group, nil
	}
	if r.DefaultUser != "" {
		return r.DefaultUser, r.DefaultGroup, nil
	}
	if _, err := user.Lookup(defaultScriptUser); err == nil {
		return defaultScriptUser, "", nil
	}
	if r.Secure {
		return "", "", fmt.Errorf("script %s: enable_script_security is set but neither script_user nor a %s user exists; not running it as root", spec.Raw, defaultScriptUser)
	}
	return "", "", nil
}

// Run runs spec to completion or until timeout (0: no limit).
func (r *Runner) Run(ctx context.Context, spec script.Spec, timeout time.Duration, extra ...string) Result {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd, err := r.Command(ctx, spec, extra...)
	if err != nil {
		return Result{ExitCode: -1, Err: err}
	}
	err = r.run(cmd)
	if ctx.Err() == context.DeadlineExceeded {
		return Result{ExitCode: -1, TimedOut: true, Err: fmt.Errorf("%s: timed out after %s", spec.Raw, timeout)}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return Result{ExitCode: ee.ExitCode()}
	}
	if err != nil {
		return Result{ExitCode: -1, Err: err}
	}
	return Result{ExitCode: 0}
}

// run starts cmd, gives it back the daemon's starting priority when the
// configuration raised the daemon's (vrrp_priority), and waits.
func (r *Runner) run(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	if r.ChildNice != nil {
		if n, ok := r.ChildNice(); ok {
			// Best effort: the script has run for a few microseconds at
			// the daemon's priority by now; keepalived resets it before
			// exec, which Go's fork path has no hook for.
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, cmd.Process.Pid, n)
		}
	}
	return cmd.Wait()
}

func isExecutable(p string) bool {
	if !filepath.IsAbs(p) {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

func credential(name, group string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("script user %q: %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return nil, fmt.Errorf("script group %q: %w", group, err)
		}
		gid, _ = strconv.Atoi(g.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// CheckSecure applies enable_script_security's rule: a script that runs as
// root must not be changeable by anyone else, so neither the file nor any
// directory above it may be writable by a non-root owner, its group or
// others.
func CheckSecure(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("script %s: a relative path is not secure", path)
	}
	for p := path; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("script %s: %w", path, err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		mode := fi.Mode()
		sticky := mode&os.ModeSticky != 0 && fi.IsDir()
		switch {
		case st.Uid != 0:
			return fmt.Errorf("script %s: %s is owned by uid %d, not root", path, p, st.Uid)
		case mode&0o020 != 0 && st.Gid != 0 && !sticky:
			return fmt.Errorf("script %s: %s is writable by group %d", path, p, st.Gid)
		case mode&0o002 != 0 && !sticky:
			return fmt.Errorf("script %s: %s is writable by everyone", path, p)
		}
		if p == "/" {
			return nil
		}
	}
}
