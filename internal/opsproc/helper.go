package opsproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/internal/bgpwire"
	"github.com/govrrpd/govrrpd/internal/livefollow"
	"github.com/govrrpd/govrrpd/internal/opswire"
)

// helloTimeout bounds the helper's start up to its hello; ioTimeout one
// frame's write (a helper that stops reading is stopped).
const (
	helloTimeout = 10 * time.Second
	ioTimeout    = 10 * time.Second
	stopGrace    = 2 * time.Second
	maxInFlight  = 64
)

// child is one running helper.
type child struct {
	cmd    *exec.Cmd
	conn   net.Conn
	w      *opswire.Writer
	exited chan error
	stderr *tail
	// follow is the console's follower for this helper's hub.
	fmu    sync.Mutex
	follow livefollow.Follower
}

// spawn starts the helper with the listeners as files 4, 5, … and its end
// of a socketpair as file 3.
func (p *Proc) spawn() (*child, error) {
	fds, err := socketpair()
	if err != nil {
		return nil, fmt.Errorf("socketpair: %w", err)
	}
	mine, theirs := os.NewFile(uintptr(fds[0]), "ops-helper"), os.NewFile(uintptr(fds[1]), "ops-helper-peer")
	defer theirs.Close()
	conn, err := net.FileConn(mine)
	mine.Close()
	if err != nil {
		return nil, fmt.Errorf("socketpair: %w", err)
	}
	files := []*os.File{theirs}
	defer func() {
		for _, f := range files[1:] {
			f.Close()
		}
	}()
	for _, ln := range p.lns {
		fl, ok := ln.(interface{ File() (*os.File, error) })
		if !ok {
			conn.Close()
			return nil, fmt.Errorf("listener %s: no file", ln.Addr())
		}
		f, err := fl.File()
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("listener %s: %w", ln.Addr(), err)
		}
		files = append(files, f)
	}
	c := &child{conn: conn, exited: make(chan error, 1), stderr: &tail{}}
	c.cmd = exec.Command(p.o.Helper, "serve")
	c.cmd.ExtraFiles = files
	c.cmd.Stderr = c.stderr
	c.cmd.SysProcAttr = sysProcAttr()
	if err := c.cmd.Start(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("starting %s: %w", p.o.Helper, err)
	}
	c.w = opswire.NewWriter(deadlineWriter{conn})
	go func() { c.exited <- c.cmd.Wait() }()
	return c, nil
}

// serveOnce runs one helper until it exits (nil after an idle exit) or
// ctx ends.
func (p *Proc) serveOnce(ctx context.Context) error {
	c, err := p.spawn()
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.starts++
	p.running = c.cmd.Process.Pid
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.running = 0
		p.mu.Unlock()
	}()
	p.log.Debug("operations helper started", "pid", c.cmd.Process.Pid)
	stop := context.AfterFunc(ctx, func() { c.conn.Close() })
	defer stop()
	perr := p.talk(ctx, c)
	if perr != nil {
		c.kill()
	}
	c.conn.Close()
	werr := c.wait()
	if ctx.Err() != nil {
		return nil
	}
	if perr != nil {
		return perr
	}
	if werr != nil {
		return fmt.Errorf("%s (pid %d): %s%s", p.o.Helper, c.cmd.Process.Pid, exitText(werr), c.stderr.text())
	}
	p.log.Debug("operations helper exited, idle", "pid", c.cmd.Process.Pid)
	return nil
}

// talk is the conversation: the hello, the setup, then requests until
// the helper closes its end. Its error is the helper's fault.
func (p *Proc) talk(ctx context.Context, c *child) error {
	r := opswire.NewReader(c.conn, opswire.MaxFromHelper)
	c.conn.SetReadDeadline(time.Now().Add(helloTimeout))
	m, err := r.Next()
	switch {
	case errors.Is(err, opswire.ErrVersion):
		return fmt.Errorf("%w: %s speaks protocol version %d, this govrrpd %d: install the govrrpd-ops of the same release (%s)",
			errIncompatible, p.o.Helper, m.V, opswire.Version, p.o.Release)
	case errors.Is(err, io.EOF):
		return nil // exited before its hello: its exit status tells
	case err != nil:
		return fmt.Errorf("%s: hello: %w", p.o.Helper, err)
	case m.Kind != opswire.KindHello:
		return fmt.Errorf("%s: first message %v, want a hello", p.o.Helper, m.Kind)
	case m.Release != p.o.Release:
		return fmt.Errorf("%w: %s is release %s, this govrrpd %s: install the govrrpd-ops of the same release",
			errIncompatible, p.o.Helper, m.Release, p.o.Release)
	}
	c.conn.SetReadDeadline(time.Time{})
	setup := p.o.Setup
	if err := c.w.Send(opswire.Msg{Kind: opswire.KindSetup, Setup: &setup}); err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	// At most maxInFlight calls at once: past that the helper's requests
	// wait in the socket, not in goroutines of the daemon.
	inflight := make(chan struct{}, maxInFlight)
	for {
		m, err := r.Next()
		switch {
		case errors.Is(err, io.EOF), ctx.Err() != nil:
			return nil
		case err != nil:
			return fmt.Errorf("%s: %w", p.o.Helper, err)
		case m.Kind == opswire.KindLog:
			bgpwire.Relog(p.log.With("helper", "govrrpd-ops"), *m.Log)
		case !opswire.FromHelper(m.Kind) || m.Kind == opswire.KindHello:
			return fmt.Errorf("%s: unexpected %v message", p.o.Helper, m.Kind)
		default:
			inflight <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-inflight; wg.Done() }()
				if err := c.w.Send(p.answer(ctx, c, m)); err != nil {
					c.conn.Close() // a helper that does not read is stopped
				}
			}()
		}
	}
}

// wait waits for the helper to exit, ending it after a grace period.
func (c *child) wait() error {
	select {
	case err := <-c.exited:
		return err
	case <-time.After(stopGrace):
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.exited:
		return err
	case <-time.After(stopGrace):
	}
	c.kill()
	return <-c.exited
}

func (c *child) kill() { c.cmd.Process.Kill() }

// deadlineWriter bounds each write to the helper.
type deadlineWriter struct{ c net.Conn }

func (d deadlineWriter) Write(b []byte) (int, error) {
	d.c.SetWriteDeadline(time.Now().Add(ioTimeout))
	return d.c.Write(b)
}

// tail keeps the end of the helper's standard error (a panic's first
// lines), for the log line of a crash.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailMax = 2048

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > tailMax {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailMax:]...)
	}
	return len(b), nil
}

func (t *tail) text() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) == 0 {
		return ""
	}
	return "; its stderr: " + string(t.buf)
}
