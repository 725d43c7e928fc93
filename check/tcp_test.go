package check_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"golang.org/x/sys/unix"
)

// stuckListener listens on 127.0.0.1 with a backlog of 0 and never
// accepts: once its queue holds one connection the kernel drops further
// SYNs, so a connect to it hangs until its deadline.
func stuckListener(t *testing.T) check.Target {
	t.Helper()
	fd, tg := rawListen(t, 0)
	t.Cleanup(func() { unix.Close(fd) })
	// Fill the queue with connections that stay open until the test ends.
	for i := 0; i < 4; i++ {
		d := net.Dialer{Timeout: 50 * time.Millisecond}
		if c, err := d.Dial("tcp", tg.Real.String()); err == nil {
			t.Cleanup(func() { c.Close() })
		}
	}
	return tg
}

// rawListen listens on 127.0.0.1 with bare system calls and the given
// backlog; the caller closes fd.
func rawListen(t *testing.T, backlog int) (int, check.Target) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	if err := unix.Listen(fd, backlog); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	return fd, check.Target{Service: "192.0.2.100:80/TCP",
		Real: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(sa.(*unix.SockaddrInet4).Port))}
}

func TestTCPCheckOutcomes(t *testing.T) {
	l := liveListener(t, "127.0.0.1:0")
	l6, err6 := net.Listen("tcp", "[::1]:0")
	if err6 == nil {
		defer l6.Close()
	}
	cases := []struct {
		name   string
		tg     check.Target
		up     bool
		reason string
		fail   check.Failure
	}{
		{"listening", target(t, l.Addr()), true, "TCP connect to 127.0.0.1:", check.FailOther},
		{"refused", closedPort(t, "tcp"), false, "connection refused", check.FailRefused},
		{"timeout", stuckListener(t), false, "i/o timeout", check.FailTimeout},
	}
	if err6 == nil {
		cases = append(cases, struct {
			name   string
			tg     check.Target
			up     bool
			reason string
			fail   check.Failure
		}{"ipv6", target(t, l6.Addr()), true, "TCP connect to [::1]:", check.FailOther})
	}
	base := openFDs(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := probeOnce(t, check.Checker{Kind: check.TCP, Target: tc.tg, ConnectTimeout: 150 * time.Millisecond})
			wantUp(t, o, tc.up)
			if !strings.Contains(o.Reason, tc.reason) {
				t.Fatalf("reason %q, want it to mention %q", o.Reason, tc.reason)
			}
			if o.Fail != tc.fail {
				t.Errorf("failure class %s, want %s", o.Fail, tc.fail)
			}
		})
	}
	if got := openFDs(t); got != base {
		t.Fatalf("%d fds after the probes, %d before", got, base)
	}
}

// TestTCPCheckCancelStopsWait requires a cancelled context (the scheduler
// stopping) to end a hanging connect at once, long before its deadline.
func TestTCPCheckCancelStopsWait(t *testing.T) {
	tg := stuckListener(t)
	p, err := check.New(check.Checker{Kind: check.TCP, Target: tg, ConnectTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	o := p.Probe(ctx)
	if el := time.Since(start); o.Up || el > 2*time.Second {
		t.Fatalf("outcome %+v after %v, want down soon after the 50 ms cancel", o, el)
	}
	if !strings.Contains(o.Reason, "context canceled") {
		t.Fatalf("reason %q, want the cancellation", o.Reason)
	}
}

// TestTCPCheckBindsAndResets checks bindto/bind_port reach the socket and
// that the connection is reset, not closed gracefully: the server's read
// sees ECONNRESET and no TIME_WAIT is left on the checker's side.
func TestTCPCheckBindsAndResets(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	const port = 39217
	from := netip.MustParseAddr("127.0.0.2")
	c := check.Checker{Kind: check.TCP, Target: target(t, l.Addr()), ConnectTimeout: time.Second, Addrs: &check.ConnAddrs{BindTo: &from}, BindPort: port}
	for i := 0; i < 2; i++ { // the same fixed source port twice: no TIME_WAIT in the way
		wantUp(t, probeOnce(t, c), true)
		conn, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		if got := conn.RemoteAddr().String(); got != "127.0.0.2:39217" {
			t.Fatalf("server saw the checker from %s, want 127.0.0.2:39217", got)
		}
		_ = conn.SetReadDeadline(time.Now().Add(time.Second))
		_, err = conn.Read(make([]byte, 1))
		conn.Close()
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("server read: %v, want ECONNRESET", err)
		}
	}
}

// Without a fixed source port the one-off probe closes with a FIN, as the
// loop and keepalived do: the server reads end of file, not a reset.
func TestTCPProbeClosesGracefully(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c := check.Checker{Kind: check.TCP, Target: target(t, l.Addr()), ConnectTimeout: time.Second}
	wantUp(t, probeOnce(t, c), true)
	conn, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(time.Second))
	if _, err = conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("server read: %v, want EOF (a graceful close)", err)
	}
}

func TestTCPCheckBindErrors(t *testing.T) {
	v6 := netip.MustParseAddr("::1")
	c := check.Checker{Kind: check.TCP, Target: closedPort(t, "tcp"), ConnectTimeout: time.Second, Addrs: &check.ConnAddrs{BindTo: &v6}}
	if o := probeOnce(t, c); o.Up || !strings.Contains(o.Reason, "address families differ") {
		t.Fatalf("IPv6 bindto for an IPv4 server: %+v", o)
	}
	c.Addrs = &check.ConnAddrs{BindIf: "govrrpd-nonexistent0"}
	if o := probeOnce(t, c); o.Up || !strings.Contains(o.Reason, "bind_if govrrpd-nonexistent0") {
		t.Fatalf("bind_if to a missing interface: %+v", o)
	}
}

// TestTCPCheckMarkAndDevice needs CAP_NET_ADMIN/CAP_NET_RAW for SO_MARK and
// SO_BINDTODEVICE; it only checks they are accepted on loopback.
func TestTCPCheckMarkAndDevice(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("SO_MARK and SO_BINDTODEVICE need root")
	}
	l := liveListener(t, "127.0.0.1:0")
	c := check.Checker{Kind: check.TCP, Target: target(t, l.Addr()), ConnectTimeout: time.Second, FWMark: 7, Addrs: &check.ConnAddrs{BindIf: "lo"}}
	wantUp(t, probeOnce(t, c), true)
}
