package mmsg

import (
	"encoding/binary"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func sockaddr(a *net.UDPAddr) []byte {
	sa := unix.RawSockaddrInet4{Family: unix.AF_INET}
	binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&sa.Port))[:], uint16(a.Port))
	copy(sa.Addr[:], a.IP.To4())
	return unsafe.Slice((*byte)(unsafe.Pointer(&sa)), unix.SizeofSockaddrInet4)
}

// loopback is a UDP socket on 127.0.0.1, closed when the test ends.
func loopback(t *testing.T) *net.UDPConn {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// sender is a loopback socket's raw connection, for Send.
func sender(t *testing.T) syscall.RawConn {
	rc, err := loopback(t).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// One Send delivers every datagram, in order, to its own address; the
// batch is then empty and is reused; a datagram the kernel refuses is
// skipped and named, and the rest go.
func TestBatchSend(t *testing.T) {
	rx1, rx2, rc := loopback(t), loopback(t), sender(t)
	a1, a2 := sockaddr(rx1.LocalAddr().(*net.UDPAddr)), sockaddr(rx2.LocalAddr().(*net.UDPAddr))
	var b Batch
	for round := range 2 {
		b.Add([]byte{byte(round), 1}, a1, nil)
		b.Add([]byte{byte(round), 2}, a2, nil)
		b.Add([]byte{byte(round), 3, 3}, a1, nil)
		if n, err := b.Send(rc, nil); n != 3 || err != nil || b.Len() != 0 {
			t.Fatalf("round %d: sent %d, %v, %d left; want 3, nil, 0", round, n, err, b.Len())
		}
		for _, c := range []struct {
			rx   *net.UDPConn
			want []byte
		}{{rx1, []byte{byte(round), 1}}, {rx1, []byte{byte(round), 3, 3}}, {rx2, []byte{byte(round), 2}}} {
			buf := make([]byte, 16)
			_ = c.rx.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, err := c.rx.Read(buf)
			if err != nil || string(buf[:n]) != string(c.want) {
				t.Fatalf("round %d: read %x, %v; want %x", round, buf[:n], err, c.want)
			}
		}
	}
	// A refused datagram is skipped; those after it still go.
	bad := append([]byte(nil), a1...)
	bad[0], bad[1] = 0xff, 0xff // no such address family
	b.Add([]byte{9, 1}, a1, nil)
	b.Add([]byte{9, 2}, bad, nil)
	b.Add([]byte{9, 3}, a1, nil)
	var skipped []int
	if n, err := b.Send(rc, func(i int, _ error) { skipped = append(skipped, i) }); n != 2 || err == nil || len(skipped) != 1 || skipped[0] != 1 {
		t.Errorf("second datagram refused: sent %d, %v, skipped %v; want 2, an error, [1]", n, err, skipped)
	}
	for _, want := range []byte{1, 3} {
		buf := make([]byte, 16)
		_ = rx1.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := rx1.Read(buf)
		if err != nil || n != 2 || buf[1] != want {
			t.Fatalf("after a refused datagram: read %x, %v; want 09%02x", buf[:n], err, want)
		}
	}
	if n, err := b.Send(rc, nil); n != 0 || err != nil {
		t.Errorf("empty batch: sent %d, %v", n, err)
	}
}

// A batch sent over and over allocates nothing: a master of thousands of
// instances flushes a thousand batches a second.
func TestBatchSendAllocs(t *testing.T) {
	rx, rc := loopback(t), sender(t)
	to, data := sockaddr(rx.LocalAddr().(*net.UDPAddr)), []byte{1, 2, 3}
	refused := func(int, error) {}
	var b Batch
	n := testing.AllocsPerRun(100, func() {
		b.Add(data, to, nil)
		b.Add(data, to, nil)
		if sent, err := b.Send(rc, refused); sent != 2 || err != nil {
			t.Fatalf("sent %d, %v", sent, err)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per Send", n)
	}
}

// unixPair is a connected, non-blocking datagram socket pair, closed
// when the test ends.
func unixPair(t *testing.T) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// queued reads what waits on fd, one byte of each datagram.
func queued(t *testing.T, fd int) []byte {
	t.Helper()
	var got []byte
	buf := make([]byte, 16)
	for {
		n, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
		if err == unix.EAGAIN {
			return got
		}
		if err != nil || n == 0 {
			t.Fatalf("read %d, %v", n, err)
		}
		got = append(got, buf[0])
	}
}

// SendVia sends on its own descriptor while it takes datagrams; when
// that one's buffer is full (EAGAIN), the rest of the batch, and only
// the rest, goes through the poller's socket; a batch after that finds
// room again goes on the descriptor.
func TestBatchSendVia(t *testing.T) {
	direct, directPeer := unixPair(t)
	polled, polledPeer := unixPair(t)
	// The file takes a descriptor of its own: the pair's are closed by
	// unixPair's cleanup.
	dup, err := unix.Dup(polled)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(dup), "polled")
	t.Cleanup(func() { f.Close() })
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var b Batch
	send := func(vals ...byte) {
		t.Helper()
		for _, v := range vals {
			b.Add([]byte{v}, nil, nil)
		}
		if n, err := b.SendVia(direct, rc, nil); n != len(vals) || err != nil {
			t.Fatalf("sent %d, %v; want %d", n, err, len(vals))
		}
	}
	send(1, 2)
	if got, other := queued(t, directPeer), queued(t, polledPeer); string(got) != "\x01\x02" || len(other) != 0 {
		t.Fatalf("with room: direct %v, polled %v; want [1 2], []", got, other)
	}
	// Fill the direct socket's peer until the kernel would block.
	filled := 0
	for ; ; filled++ {
		if _, err := unix.Write(direct, []byte{0}); err == unix.EAGAIN {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	send(3, 4, 5)
	if got := queued(t, polledPeer); string(got) != "\x03\x04\x05" {
		t.Errorf("full: the poller's socket carried %v, want [3 4 5]", got)
	}
	if got := queued(t, directPeer); len(got) != filled {
		t.Errorf("full: the direct socket's peer holds %d datagrams, want the %d that filled it", len(got), filled)
	}
	send(6)
	if got, other := queued(t, directPeer), queued(t, polledPeer); string(got) != "\x06" || len(other) != 0 {
		t.Errorf("room again: direct %v, polled %v; want [6], []", got, other)
	}
}
