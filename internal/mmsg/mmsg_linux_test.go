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
