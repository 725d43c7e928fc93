package main

import (
	"context"

	"github.com/govrrpd/govrrpd/internal/daemon"
	"github.com/govrrpd/govrrpd/internal/status"
)

// daemonBackend is the running daemon as the control API sees it: the
// daemon's own methods, each answered on its event loop, with the
// binary's version filled in.
type daemonBackend struct{ *daemon.Daemon }

func (b daemonBackend) Snapshot(ctx context.Context) (status.Daemon, error) {
	s, err := b.Daemon.Snapshot(ctx)
	s.Version = version
	return s, err
}
