package check_test

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
)

// probeOnce builds c's prober and runs one attempt bounded by its
// connect_timeout, the way the scheduler does.
func probeOnce(t *testing.T, c check.Checker) check.Outcome {
	t.Helper()
	p, err := check.New(c)
	if err != nil {
		t.Fatalf("New(%s): %v", c.Kind, err)
	}
	timeout := c.ConnectTimeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return p.Probe(ctx)
}

// acceptAndClose serves l as the simplest live real server: every
// connection is accepted and closed at once. It returns when l is closed.
func acceptAndClose(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

// liveListener listens on addr and serves it with acceptAndClose until the
// test ends.
func liveListener(t *testing.T, addr string) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go acceptAndClose(l)
	return l
}

// target makes a Target for a listener address.
func target(t *testing.T, addr net.Addr) check.Target {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		t.Fatal(err)
	}
	return check.Target{Service: "192.0.2.100:80/TCP", Real: ap}
}

// closedPort returns a loopback TCP address nobody listens on.
func closedPort(t *testing.T, network string) check.Target {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		tg := target(t, c.LocalAddr())
		c.Close()
		return tg
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tg := target(t, l.Addr())
	l.Close()
	return tg
}

func wantUp(t *testing.T, o check.Outcome, up bool) {
	t.Helper()
	if o.Up != up {
		t.Fatalf("outcome up=%v (%s), want up=%v", o.Up, o.Reason, up)
	}
}

func probeCtx(p check.Prober, d time.Duration) check.Outcome {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return p.Probe(ctx)
}

func netipMust(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
