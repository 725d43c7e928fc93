package vrrpnet

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// watchWrites returns an epoll set watching s's own (the poller's)
// socket for write space, edge-triggered as Go's poller watches it, with
// the first report (a new watch reports at once) consumed.
func watchWrites(t *testing.T, s *Socket) int {
	t.Helper()
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(epfd) })
	ev := unix.EpollEvent{Events: unix.EPOLLOUT | unix.EPOLLET}
	if err := s.setsockopt(func(fd int) error { return unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev) }); err != nil {
		t.Fatal(err)
	}
	if n := writeWakes(t, epfd); n != 1 {
		t.Fatalf("a new watch reported %d events, want 1", n)
	}
	return epfd
}

// writeWakes is how many events the set reports within 50 ms.
func writeWakes(t *testing.T, epfd int) int {
	t.Helper()
	evs := make([]unix.EpollEvent, 4)
	for {
		n, err := unix.EpollWait(epfd, evs, 50)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
}

// TestBatchLeavesUnwatched: a flushed batch reaches the peer with TTL /
// hop limit 255 and wakes nothing that waits on the socket's write space
// (Go's poller would wake a thread for it); a single Send, which goes
// through the poller's socket, does, so the watch can tell. The send
// socket queues nothing of what arrives, multicast or unicast: every
// advert reaches the socket the reader reads.
func TestBatchLeavesUnwatched(t *testing.T) {
	for _, fam := range []int{4, 6} {
		t.Run(fmt.Sprintf("ipv%d", fam), func(t *testing.T) {
			rx, inj, _ := pair(t, fmt.Sprintf("ul%d", fam), fam)
			injAddr, group := netip.MustParseAddr("192.0.2.2"), Group4
			if fam == 6 {
				injAddr, group = netip.MustParseAddr("2001:db8::2"), Group6
			}
			if err := inj.Join(group); err != nil {
				t.Fatal(err)
			}
			epfd := watchWrites(t, inj)
			b := inj.NewBatch()
			n, err := flushRetry(t, b, func() {
				for v := range 5 {
					b.Add(advert(uint8(v+1)), injAddr, group)
				}
			})
			if err != nil || n != 5 {
				t.Fatalf("flush sent %d, %v; want 5", n, err)
			}
			if got := drain(t, rx); len(got) != 5 || got[0] != "1/255" || got[4] != "5/255" {
				t.Fatalf("the peer read %v, want VRIDs 1..5 with TTL 255", got)
			}
			if n := writeWakes(t, epfd); n != 0 {
				t.Errorf("the batch woke the poller's socket %d times, want 0", n)
			}
			if err := inj.Send(advert(9), injAddr, group); err != nil {
				t.Fatal(err)
			}
			if n := writeWakes(t, epfd); n != 1 {
				t.Errorf("a single Send woke the poller's socket %d times, want 1", n)
			}
			drain(t, rx)

			inject(t, rx, 1, 7, 255, group)
			inject(t, rx, 1, 8, 255, injAddr)
			time.Sleep(20 * time.Millisecond)
			buf := make([]byte, 64)
			if _, _, err := unix.Recvfrom(inj.sendFD, buf, unix.MSG_DONTWAIT); !errors.Is(err, unix.EAGAIN) {
				t.Errorf("the send socket read %v, want EAGAIN (nothing queued)", err)
			}
			if got := drain(t, inj); len(got) != 2 {
				t.Errorf("the reader's socket read %v, want the multicast and the unicast advert", got)
			}
		})
	}
}

// recvRaw reads the next datagram on s's socket whole, with its IPv4
// header (a raw IPv4 socket reads the header too), waiting up to 5 s.
func recvRaw(t *testing.T, s *Socket) []byte {
	t.Helper()
	buf := make([]byte, 256)
	var n int
	var rerr error
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		err := s.setsockopt(func(fd int) error {
			n, _, rerr = unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(rerr, unix.EAGAIN) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if rerr != nil {
		t.Fatal(rerr)
	}
	return buf[:n]
}

// TestHeader4AsKernels: the IPv4 header a batch writes (IP_HDRINCL) is
// the one the kernel writes for Send, on the poller's socket with its
// options (TOS 0xc0, don't fragment, TTL 255, protocol 112, source and
// destination), but for the identification and the checksum; and the
// kernel's checksum of it holds.
func TestHeader4AsKernels(t *testing.T) {
	rx, inj, rxAddr := pair(t, "h4", 4)
	injAddr := netip.MustParseAddr("192.0.2.2")
	for _, dst := range []netip.Addr{Group4, rxAddr} {
		b := inj.NewBatch()
		if n, err := flushRetry(t, b, func() {
			for range 5 {
				b.Add(advert(1), injAddr, dst)
			}
		}); n != 5 || err != nil {
			t.Fatalf("to %s: flush sent %d, %v", dst, n, err)
		}
		if err := inj.Send(advert(2), injAddr, dst); err != nil {
			t.Fatal(err)
		}
		var batched []byte
		for range 5 {
			batched = recvRaw(t, rx)
		}
		sent := recvRaw(t, rx)
		if len(batched) != 28 || len(sent) != 28 {
			t.Fatalf("to %s: read %d and %d bytes, want 20 + 8", dst, len(batched), len(sent))
		}
		var sum uint32
		for i := 0; i < 20; i += 2 {
			sum += uint32(batched[i])<<8 | uint32(batched[i+1])
		}
		for sum > 0xffff {
			sum = sum&0xffff + sum>>16
		}
		if sum != 0xffff {
			t.Errorf("to %s: header checksum does not hold: % x", dst, batched[:20])
		}
		// Identification (4–5) and checksum (10–11) are the kernel's.
		for _, h := range [][]byte{batched, sent} {
			clear(h[4:6])
			clear(h[10:12])
		}
		batched[21], sent[21] = 0, 0 // the VRID
		if string(batched) != string(sent) {
			t.Errorf("to %s: batch header\n% x\nSend's\n% x", dst, batched[:20], sent[:20])
		}
	}
}

// A batch queued and flushed over and over allocates nothing, IPv4 header
// included: a master of thousands of instances flushes a thousand batches
// a second.
func TestBatchFlushAllocs(t *testing.T) {
	for _, fam := range []int{4, 6} {
		t.Run(fmt.Sprintf("ipv%d", fam), func(t *testing.T) {
			_, inj, _ := pair(t, fmt.Sprintf("fa%d", fam), fam)
			group := groupOf(fam)
			src := netip.MustParseAddr("192.0.2.2")
			if fam == 6 {
				src = netip.MustParseAddr("2001:db8::2")
			}
			b, payload := inj.NewBatch(), advert(1)
			if _, err := flushRetry(t, b, func() {
				for range 5 {
					b.Add(payload, src, group)
				}
			}); err != nil {
				t.Fatal(err)
			}
			n := testing.AllocsPerRun(100, func() {
				b.Add(payload, src, group)
				b.Add(payload, netip.Addr{}, group)
				if sent, err := b.Flush(nil); sent != 2 || err != nil {
					t.Fatalf("sent %d, %v", sent, err)
				}
			})
			if n != 0 {
				t.Errorf("%v allocations per Add, Add, Flush", n)
			}
		})
	}
}
