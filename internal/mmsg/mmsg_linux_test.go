package mmsg

import (
	"encoding/binary"
	"net"
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

// SendFD sends on a socket no poller watches. When its buffer is full it
// waits for room and sends the rest; when none comes within FullWait, the
// rest is refused, each datagram named, with EAGAIN.
func TestBatchSendFD(t *testing.T) {
	fd, peer := unixPair(t)
	var b Batch
	send := func(vals ...byte) (int, []int, error) {
		t.Helper()
		for _, v := range vals {
			b.Add([]byte{v}, nil, nil)
		}
		var refused []int
		n, err := b.SendFD(fd, func(i int, err error) { refused = append(refused, i) })
		return n, refused, err
	}
	if n, refused, err := send(1, 2); n != 2 || err != nil || len(refused) != 0 {
		t.Fatalf("with room: sent %d, refused %v, %v; want 2, none", n, refused, err)
	}
	if got := queued(t, peer); string(got) != "\x01\x02" {
		t.Fatalf("with room: the peer read %v, want [1 2]", got)
	}
	filled := 0
	for ; ; filled++ {
		if _, err := unix.Write(fd, []byte{0}); err == unix.EAGAIN {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	// Full, and drained while SendFD waits: everything goes.
	old := FullWait
	t.Cleanup(func() { FullWait = old })
	FullWait = 10 * time.Second
	drained := make(chan []byte)
	go func() {
		time.Sleep(50 * time.Millisecond)
		drained <- queued(t, peer)
	}()
	if n, refused, err := send(3, 4, 5); n != 3 || err != nil || len(refused) != 0 {
		t.Errorf("full, then drained: sent %d, refused %v, %v; want 3, none", n, refused, err)
	}
	got := append(<-drained, queued(t, peer)...)
	if len(got) != filled+3 || string(got[filled:]) != "\x03\x04\x05" {
		t.Errorf("after the drain the peer read %d datagrams ending %v, want the %d that filled the buffer, then [3 4 5]",
			len(got), got[max(0, len(got)-3):], filled)
	}
	// Full, and never drained: the rest is refused once FullWait ends.
	for {
		if _, err := unix.Write(fd, []byte{0}); err == unix.EAGAIN {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	FullWait = 30 * time.Millisecond
	if n, refused, err := send(6, 7); n != 0 || err != unix.EAGAIN || len(refused) != 2 || refused[1] != 1 {
		t.Errorf("full: sent %d, refused %v, %v; want 0, [0 1], EAGAIN", n, refused, err)
	}
}
