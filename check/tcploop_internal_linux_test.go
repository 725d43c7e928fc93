package check

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestNextDue(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	cases := []struct {
		name            string
		due, start, end time.Time
		delay           time.Duration
		want            time.Time
	}{
		{"on time, fast", ms(0), ms(0), ms(1), time.Second, ms(1000)},
		{"started late in its slot keeps the rhythm", ms(0), ms(9), ms(10), time.Second, ms(1000)},
		{"ran past the delay: a full delay after the end", ms(0), ms(0), ms(5000), time.Second, ms(6000)},
		{"retry after a quick failure", ms(0), ms(2), ms(3), 300 * time.Millisecond, ms(300)},
		{"so late the rhythm is past: no catch-up burst", ms(0), ms(1500), ms(1501), time.Second, ms(2501)},
	}
	for _, c := range cases {
		if got := nextDue(c.due, c.start, c.end, c.delay); !got.Equal(c.want) {
			t.Errorf("%s: next due %v, want %v", c.name, got.Sub(t0), c.want.Sub(t0))
		}
	}
}

func TestSlotEnd(t *testing.T) {
	l := &tcpLoop{epoch: time.Unix(1000, 0), slot: 10 * time.Millisecond}
	for _, c := range []struct{ in, want time.Duration }{
		{0, 0}, {1, 10 * time.Millisecond}, {10 * time.Millisecond, 10 * time.Millisecond},
		{10*time.Millisecond + 1, 20 * time.Millisecond},
	} {
		if got := l.slotEnd(l.epoch.Add(c.in)).Sub(l.epoch); got != c.want {
			t.Errorf("slotEnd(+%v) = +%v, want +%v", c.in, got, c.want)
		}
	}
	l.slot = 0
	if got := l.slotEnd(l.epoch.Add(3)); !got.Equal(l.epoch.Add(3)) {
		t.Errorf("no slot: %v", got)
	}
}

// TestPollResult reads connect outcomes as pollBegun sees them: a refusal
// is a failure, while a server that accepted and at once reset the
// connection did accept it, so the check succeeds.
func TestPollResult(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	open := ln.Addr().(*net.TCPAddr).AddrPort()
	closedLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := closedLn.Addr().(*net.TCPAddr).AddrPort()
	closedLn.Close()
	defer ln.Close()

	poll := func(t *testing.T, ap netip.AddrPort, serve func()) (bool, error) {
		fd, err := rawSocket(unix.AF_INET)
		if err != nil {
			t.Fatal(err)
		}
		defer rawClose(fd)
		d := newRawDest(ap)
		if err := d.connect(fd); err != nil && err != unix.EINPROGRESS {
			t.Fatalf("connect: %v", err)
		}
		serve()
		pfds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		if err := rawPollNow(pfds); err != nil {
			t.Fatal(err)
		}
		return pollResult(fd, pfds[0].Revents)
	}
	done, err := poll(t, closed, func() {})
	if !done || !errors.Is(err, unix.ECONNREFUSED) {
		t.Errorf("closed port: done %v, err %v; want done with ECONNREFUSED", done, err)
	}
	done, err = poll(t, open, func() {
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		_ = c.(*net.TCPConn).SetLinger(0)
		c.Close()
		time.Sleep(10 * time.Millisecond) // the reset crosses loopback
	})
	if !done || err != nil {
		t.Errorf("accepted then reset: done %v, err %v; want done, no error", done, err)
	}
}
