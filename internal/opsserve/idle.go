package opsserve

import (
	"net"
	"sync"
	"syscall"
	"time"
)

// idle ends the helper after d without an open connection.
type idle struct {
	d    time.Duration
	fire func()

	mu     sync.Mutex
	open   int
	gen    uint64
	closed bool
}

func newIdle(d time.Duration, fire func()) *idle {
	i := &idle{d: d, fire: fire}
	i.mu.Lock()
	i.arm()
	i.mu.Unlock()
	return i
}

// arm starts the idle period; a later open or arm makes it moot.
func (i *idle) arm() {
	i.gen++
	gen := i.gen
	time.AfterFunc(i.d, func() {
		i.mu.Lock()
		fire := gen == i.gen && i.open == 0 && !i.closed
		i.closed = i.closed || fire
		i.mu.Unlock()
		if fire {
			i.fire()
		}
	})
}

func (i *idle) opened() {
	i.mu.Lock()
	i.open++
	i.gen++
	i.mu.Unlock()
}

func (i *idle) closedOne() {
	i.mu.Lock()
	i.open--
	if i.open == 0 {
		i.arm()
	}
	i.mu.Unlock()
}

// listener counts its connections for the idle timer.
type listener struct {
	net.Listener
	idle *idle
}

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.idle.opened()
	return &conn{Conn: c, idle: l.idle}, nil
}

// conn is a counted connection. It keeps the socket's file descriptor
// reachable (syscall.Conn) for the peer credentials the action log names.
type conn struct {
	net.Conn
	idle *idle
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.idle.closedOne)
	return err
}

func (c *conn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, syscall.EINVAL
}
