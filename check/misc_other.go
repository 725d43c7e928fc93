//go:build !unix

package check

import (
	"context"
	"fmt"
	"os/exec"
)

// credential stands for the unix user a script would run as; switching
// users is a unix notion, refused here rather than run as the daemon.
type credential struct{}

func lookupCredential(userName, _ string) (*credential, error) {
	return nil, fmt.Errorf("misc_path user %s: %w", userName, errNotSupported)
}

// command runs the script without a process group: elsewhere than unix a
// timeout kills the script, not what it spawned.
func (p *miscProber) command(ctx context.Context, argv []string) *exec.Cmd {
	if len(argv) > 0 {
		return exec.CommandContext(ctx, argv[0], argv[1:]...)
	}
	return exec.CommandContext(ctx, "/bin/sh", "-c", p.raw)
}
