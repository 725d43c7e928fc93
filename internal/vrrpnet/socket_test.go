package vrrpnet

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestArrivalIsKernelTime reads an advert 50 ms after it was delivered and
// expects its arrival to be the delivery, not the read: the master-down
// timer counts from it.
func TestArrivalIsKernelTime(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: raw protocol-112 socket in a namespace of its own")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("iproute2 not installed")
	}
	ns := fmt.Sprintf("govrrpd-vnet-%d", os.Getpid())
	ip := func(args ...string) {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	ip("netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	ip("-n", ns, "link", "set", "lo", "up")
	ip("-n", ns, "addr", "add", "192.0.2.1/32", "dev", "lo")

	s := openIn(t, ns, "lo")
	defer s.Close()
	dst := netip.MustParseAddr("192.0.2.1")
	sent := time.Now()
	if err := s.Send([]byte{0x21, 1, 100, 1, 0, 1, 0, 0}, dst, dst); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	read := time.Now()
	p, err := s.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if p.At.Before(sent) || !p.At.Before(read.Add(-25*time.Millisecond)) {
		t.Fatalf("arrival %v after send, %v before the read; want the kernel's receive time (≈ the send)",
			p.At.Sub(sent), read.Sub(p.At))
	}
	// Without a stamp (the first read after Open, or a clock step) the
	// read time stands in.
	now := time.Now()
	if got := s.arrival(now.Add(time.Hour)); !got.Equal(now.Add(time.Hour)) {
		t.Errorf("a stamp an hour old moved the arrival to %v", got)
	}
}

// openIn opens the socket from a thread inside namespace ns; the socket
// stays in it whatever thread reads it later.
func openIn(t *testing.T, ns, ifname string) *Socket {
	t.Helper()
	type res struct {
		s   *Socket
		err error
	}
	c := make(chan res, 1)
	go func() {
		runtime.LockOSThread() // stays locked (thread discarded) if it cannot return
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			c <- res{err: err}
			return
		}
		defer orig.Close()
		target, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			c <- res{err: err}
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			c <- res{err: err}
			return
		}
		s, err := Open(ifname, 4)
		if unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		c <- res{s, err}
	}()
	r := <-c
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.s
}
