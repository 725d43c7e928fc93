package ctlapi

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ListenSocket opens the control socket at path: its directory is created
// 0700 when missing (an existing one is left as the operator made it),
// a stale socket from a crashed daemon is replaced, and the socket is made
// 0600, so only root (the daemon's user) can connect. A socket another
// daemon still answers on is an error, not something to steal.
func ListenSocket(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != os.ModeSocket {
			return nil, fmt.Errorf("control socket %s: exists and is not a socket", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("control socket %s: another daemon is listening on it", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("control socket %s: removing the stale socket: %w", path, err)
		}
	}
	// The umask keeps the socket closed from the moment it is bound, not
	// only after the chmod below.
	old := syscall.Umask(0o177)
	ln, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return ln, nil
}

// ListenTCP opens --http-listen. "PORT" and ":PORT" mean loopback only,
// on 127.0.0.1 and [::1] (the IPv6 one is skipped when the host has no
// IPv6 loopback); "HOST:PORT" binds exactly that.
func ListenTCP(addr string) ([]net.Listener, error) {
	if !strings.Contains(addr, ":") {
		addr = ":" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--http-listen %q: %w", addr, err)
	}
	if host != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("--http-listen: %w", err)
		}
		return []net.Listener{ln}, nil
	}
	ln4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return nil, fmt.Errorf("--http-listen: %w", err)
	}
	if port == "0" { // tests: the IPv6 side takes the same port number
		_, port, _ = net.SplitHostPort(ln4.Addr().String())
	}
	ln6, err := net.Listen("tcp6", net.JoinHostPort("::1", port))
	if err != nil {
		if errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) {
			return []net.Listener{ln4}, nil
		}
		ln4.Close()
		return nil, fmt.Errorf("--http-listen: %w", err)
	}
	return []net.Listener{ln4, ln6}, nil
}
