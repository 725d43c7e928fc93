//go:build unix

package check

import (
	"context"
	"fmt"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
	"time"
)

// credential is the user a MISC_CHECK script runs as.
type credential = syscall.Credential

func lookupCredential(userName, group string) (*credential, error) {
	u, err := user.Lookup(userName)
	if err != nil {
		return nil, fmt.Errorf("misc_path user: %w", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return nil, fmt.Errorf("misc_path group: %w", err)
		}
		gid, _ = strconv.ParseUint(g.Gid, 10, 32)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// command builds the exec: the split argv when there is one, otherwise
// /bin/sh -c with the raw text.
func (p *miscProber) command(ctx context.Context, argv []string) *exec.Cmd {
	var cmd *exec.Cmd
	if len(argv) > 0 {
		cmd = exec.CommandContext(ctx, argv[0], argv[1:]...)
	} else {
		cmd = exec.CommandContext(ctx, "/bin/sh", "-c", p.raw)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: p.cred}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = time.Second
	return cmd
}
