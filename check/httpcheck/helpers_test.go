package httpcheck_test

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/httpcheck"
)

// probeOnce builds c's in-process prober and runs one attempt bounded by
// its connect_timeout, the way the scheduler does.
func probeOnce(t *testing.T, c check.Checker) check.Outcome {
	t.Helper()
	p, err := httpcheck.New(c)
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
func closedPort(t *testing.T) check.Target {
	t.Helper()
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

func netipMust(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// nil0 is a placeholder listener address for checkers whose target the
// test sets afterwards.
func nil0() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }
