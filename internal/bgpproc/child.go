package bgpproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/internal/bgpwire"
)

// helloWait bounds the helper's start: loading GoBGP on a busy machine
// takes a moment, a helper that never answers is not the right program.
const helloWait = 30 * time.Second

// child is one run of the helper.
type child struct {
	cmd  *exec.Cmd
	w    *bgpwire.Writer
	pipe *os.File // the write end, closed when the helper ends

	mu      sync.Mutex
	next    uint64
	pending map[uint64]chan bgpwire.Msg

	exited chan struct{} // closed once the helper has exited
	err    error         // how it exited, set before exited closes
	sent   *bgpwire.Msg  // the last State sent (the poller's alone)
}

// errExited fails the requests a helper leaves unanswered.
var errExited = errors.New("bgp helper exited")

// spawn starts the helper and waits for its hello.
func spawn(o Options, log *slog.Logger) (*child, error) {
	attr, err := sysProcAttr()
	if err != nil {
		return nil, err
	}
	toR, toW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("bgp helper: %w", err)
	}
	fromR, fromW, err := os.Pipe()
	if err != nil {
		toR.Close()
		toW.Close()
		return nil, fmt.Errorf("bgp helper: %w", err)
	}
	cmd := exec.Command(o.Helper, "-interval", o.Interval.String(), "-log-level", levelOf(log).String())
	cmd.ExtraFiles = []*os.File{toR, fromW} // fd 3 and 4
	cmd.Stderr = os.Stderr                  // a panic reaches the journal
	cmd.SysProcAttr = attr
	err = cmd.Start()
	toR.Close()
	fromW.Close()
	if err != nil {
		toW.Close()
		fromR.Close()
		return nil, fmt.Errorf("bgp helper %s: %w", o.Helper, err)
	}
	c := &child{cmd: cmd, w: bgpwire.NewWriter(toW), pipe: toW, pending: map[uint64]chan bgpwire.Msg{},
		exited: make(chan struct{})}
	hello, read := make(chan error, 1), make(chan struct{})
	go func() { c.read(fromR, log, hello); close(read) }()
	go c.reap(fromR, read)
	select {
	case err = <-hello:
	case <-time.After(helloWait):
		err = errors.New("no hello")
	}
	if err != nil {
		c.kill()
		return nil, fmt.Errorf("bgp helper %s: %w", o.Helper, err)
	}
	return c, nil
}

// levelOf is the lowest level log lets through, which the helper need not
// go below.
func levelOf(log *slog.Logger) slog.Level {
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn} {
		if log.Enabled(context.Background(), l) {
			return l
		}
	}
	return slog.LevelError
}

// read takes the helper's messages until its end of the pipe closes.
func (c *child) read(r io.Reader, log *slog.Logger, hello chan<- error) {
	in := bgpwire.NewReader(r)
	first := true
	for {
		m, err := in.Next()
		if errors.Is(err, io.EOF) || errors.Is(err, bgpwire.ErrPipe) {
			break
		}
		if first {
			first = false
			switch {
			case errors.Is(err, bgpwire.ErrVersion):
				hello <- fmt.Errorf("speaks protocol version %d, this govrrpd %d: install the govrrpd-bgp of the same release", m.V, bgpwire.Version)
			case err != nil || m.Kind != bgpwire.Hello:
				hello <- fmt.Errorf("not a govrrpd BGP helper (first message %q, %v)", m.Kind, err)
			default:
				hello <- nil
			}
			continue
		}
		switch {
		case err != nil:
			log.Error("bgp helper: unreadable message", "err", err)
		case m.Kind == bgpwire.Log:
			bgpwire.Relog(log, *m.Log)
		default:
			c.deliver(m)
		}
	}
	if first {
		hello <- errors.New("exited before its hello")
	}
}

// readGrace is how long the reader may go on after the helper exited: what
// it wrote last (its Done, its last records) is still in the pipe.
const readGrace = time.Second

// reap waits for the helper to exit, and for the reader to drain the pipe
// unless something the helper left behind holds its end open.
func (c *child) reap(r *os.File, read <-chan struct{}) {
	err := c.cmd.Wait()
	select {
	case <-read:
	case <-time.After(readGrace):
	}
	r.Close()
	<-read
	c.pipe.Close()
	c.err = err
	c.mu.Lock()
	c.pending = nil // request no longer waits; those waiting see exited
	c.mu.Unlock()
	close(c.exited)
}

func (c *child) deliver(m bgpwire.Msg) {
	c.mu.Lock()
	ch := c.pending[m.ID]
	delete(c.pending, m.ID)
	c.mu.Unlock()
	if ch != nil {
		ch <- m
	}
}

// request sends m and waits for the answer with its id.
func (c *child) request(ctx context.Context, m bgpwire.Msg) (bgpwire.Msg, error) {
	reply := make(chan bgpwire.Msg, 1)
	c.mu.Lock()
	if c.pending == nil {
		c.mu.Unlock()
		return bgpwire.Msg{}, errExited
	}
	c.next++
	m.ID = c.next
	c.pending[m.ID] = reply
	c.mu.Unlock()
	forget := func() { c.mu.Lock(); delete(c.pending, m.ID); c.mu.Unlock() }
	if err := c.w.Send(m); err != nil {
		forget()
		return bgpwire.Msg{}, err
	}
	select {
	case r := <-reply:
		return r, nil
	case <-c.exited:
		return bgpwire.Msg{}, errExited
	case <-ctx.Done():
		forget()
		return bgpwire.Msg{}, fmt.Errorf("bgp helper %s: %w", m.Kind, ctx.Err())
	}
}

// configure starts or reloads the helper's speaker with cfg.
func (c *child) configure(ctx context.Context, cfg *bgp.Config) error {
	r, err := c.request(ctx, bgpwire.Msg{Kind: bgpwire.Config, Config: cfg})
	if err != nil {
		return err
	}
	if r.Err != "" {
		return errors.New(r.Err)
	}
	return nil
}

// stop asks the helper to withdraw and exit, and waits for it (killing it
// if it does not exit after answering within a few seconds).
func (c *child) stop(ctx context.Context) error {
	_, err := c.request(ctx, bgpwire.Msg{Kind: bgpwire.Stop})
	select {
	case <-c.exited:
	case <-time.After(5 * time.Second):
		c.kill()
	}
	return err
}

// kill ends the helper at once and waits for it to be reaped. Closing
// our end first also ends whatever else holds the helper's pipes (a
// process it started), which would otherwise keep the reader waiting.
func (c *child) kill() {
	c.pipe.Close()
	c.cmd.Process.Kill()
	<-c.exited
}
