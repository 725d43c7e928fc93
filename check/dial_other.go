//go:build !linux

package check

import (
	"context"
	"fmt"
	"net"
	"time"
)

// sockopts applies bind_port's address reuse; fwmark and bind_if are
// Linux socket options (SO_MARK, SO_BINDTODEVICE), refused here so that a
// checker never runs unmarked or unbound without saying so.
func (e endpoint) sockopts(fd int) error {
	if e.mark != 0 {
		return fmt.Errorf("fwmark %d: %w", e.mark, errNotSupported)
	}
	if e.bindIf != "" {
		return fmt.Errorf("bind_if %s: %w", e.bindIf, errNotSupported)
	}
	if e.port != 0 {
		return reuseAddr(fd)
	}
	return nil
}

// connectClose opens a TCP connection to e.remote through net.Dialer and
// closes it once the handshake completes (with a reset for a fixed
// bind_port, see resets); the raw-socket path is Linux's.
func (e endpoint) connectClose(ctx context.Context, deadline time.Time) error {
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	c, err := e.dialer().DialContext(ctx, "tcp", e.remote.String())
	if err != nil {
		return err
	}
	if tc, ok := c.(*net.TCPConn); ok && resets(&e) {
		_ = tc.SetLinger(0)
	}
	return c.Close()
}
