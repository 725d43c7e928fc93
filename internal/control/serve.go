package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// serve answers on ln until ctx ends. The HTTP server starts with the
// listener's first connection: a daemon whose socket nobody opens never
// runs net/http's server set-up (its HTTP/2 configuration among it), and
// those pages of the binary stay out of its resident memory (docs/scale.md,
// "Session 7: the binary's resident pages").
func serve(ctx context.Context, ln net.Listener, h http.Handler, cc func(context.Context, net.Conn) context.Context) error {
	closeLn := context.AfterFunc(ctx, func() { ln.Close() })
	c, err := ln.Accept()
	if !closeLn() {
		// ctx ended while waiting: the listener is closed.
		if c != nil {
			c.Close()
		}
		return nil
	}
	l := ln
	if err == nil {
		l = &firstConn{Listener: ln, c: c}
	}
	// An error here is met again by the server's own Accept, which
	// retries a temporary one and returns any other, as it always did.
	srv := &http.Server{Handler: h, ConnContext: cc, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 30 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	stop := context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	})
	defer stop()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("control %s: %w", ln.Addr(), err)
	}
	return nil
}

// firstConn is a listener whose first Accept returns the connection that
// started the server.
type firstConn struct {
	net.Listener
	mu sync.Mutex
	c  net.Conn
}

func (l *firstConn) take() net.Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.c
	l.c = nil
	return c
}

func (l *firstConn) Accept() (net.Conn, error) {
	if c := l.take(); c != nil {
		return c, nil
	}
	return l.Listener.Accept()
}

// Close also closes the first connection if the server stopped before
// taking it.
func (l *firstConn) Close() error {
	if c := l.take(); c != nil {
		c.Close()
	}
	return l.Listener.Close()
}
