package vrrpnet

import (
	"encoding/binary"
	"net"
	"net/netip"
	"time"
	"unsafe"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// Reader reads packets from a Socket in batches, one recvmmsg(2) per
// batch, each packet with its own kernel receive time (SO_TIMESTAMPNS):
// under a flood one system call per packet was where the receive side
// lost time, and with it genuine adverts (#16).
// One goroutine owns a Reader; a Socket may have several. A packet that
// arrived in the first moment after the system's first timestamping
// socket opened is stamped when read (the kernel enables stamping
// through a deferred switch): late, never early.
type Reader struct {
	s    *Socket
	ms   []ipv4.Message // ipv4.Message and ipv6.Message are one type
	bufs [][]byte
	out  []Packet
	// Poll's own recvmmsg vectors, made on its first call.
	hdrs  []mmsghdr
	iovs  []unix.Iovec
	names []unix.RawSockaddrAny
}

// maxPacket bounds one received datagram: the largest VRRP message (a
// v3 header with 255 IPv6 addresses and an auth_hmac trailer, 4,116
// bytes), rounded up to a page and a half for safety. An IPv4 socket's
// is smaller, its header included: 60 + 8 + 255 × 4 + 8 + 28 = 1,124
// bytes, rounded up to 2 KiB. Every socket holds a batch of these (16 at
// the daemon's readBatch), so at sixteen interfaces the IPv4 size saves
// a megabyte. A longer datagram is read truncated and dropped as
// oversized, as before.
const (
	maxPacket  = 6144
	maxPacket4 = 2048
)

// NewReader returns a reader of up to n packets per Read.
func (s *Socket) NewReader(n int) *Reader {
	n = max(n, 1)
	oob := ipv4.NewControlMessage(ipv4.FlagTTL | ipv4.FlagDst | ipv4.FlagInterface | ipv4.FlagSrc)
	if s.Family == 6 {
		oob = ipv6.NewControlMessage(ipv6.FlagHopLimit | ipv6.FlagDst | ipv6.FlagInterface | ipv6.FlagSrc)
	}
	oobLen := len(oob) + unix.CmsgSpace(16) // + SCM_TIMESTAMPNS's timespec
	r := &Reader{s: s, ms: make([]ipv4.Message, n), bufs: make([][]byte, n), out: make([]Packet, n)}
	size := maxPacket
	if s.Family == 4 {
		size = maxPacket4
	}
	for i := range r.ms {
		r.bufs[i] = make([]byte, size)
		r.ms[i].Buffers = [][]byte{r.bufs[i]}
		r.ms[i].OOB = make([]byte, oobLen)
	}
	return r
}

// Read blocks until at least one packet is queued and returns every packet
// the batch could take. The packets and their payloads are valid until
// the next Read.
func (r *Reader) Read() ([]Packet, error) {
	var n int
	var err error
	if r.s.Family == 4 {
		n, err = r.s.pc4.ReadBatch(r.ms, 0)
	} else {
		n, err = r.s.pc6.ReadBatch(r.ms, 0)
	}
	if err != nil {
		return nil, err
	}
	return r.decode(n), nil
}

// decode turns the batch's first n messages into packets.
func (r *Reader) decode(n int) []Packet {
	now := time.Now()
	out := r.out[:0]
	for i := range n {
		if p, ok := r.packet(&r.ms[i], r.bufs[i], now); ok {
			out = append(out, p)
		}
	}
	return out
}

// Poll returns, without waiting, the packets already queued on the socket
// (up to the batch). The loop calls it before it declares a master dead:
// on a loaded machine the process may get the CPU back only after both
// the master-down deadline and the master's advert have passed, and the
// advert, queued since before the deadline, must still count. It reads
// beside a Reader blocked in Read (the kernel hands each packet to one of
// them), which is why it uses Control and not the read lock Read holds.
func (r *Reader) Poll() ([]Packet, error) {
	n, err := r.pollInto()
	if err != nil {
		return nil, err
	}
	return r.decode(n), nil
}

// pollInto fills the batch with one non-blocking recvmmsg: under a flood
// the daemon's reader drains the socket with Poll after every wake-up,
// and a recvmsg per packet cost a system call each.
func (r *Reader) pollInto() (int, error) {
	if r.hdrs == nil {
		r.hdrs = make([]mmsghdr, len(r.ms))
		r.iovs = make([]unix.Iovec, len(r.ms))
		r.names = make([]unix.RawSockaddrAny, len(r.ms))
	}
	for i := range r.hdrs {
		h := &r.hdrs[i].hdr
		r.iovs[i].Base = &r.bufs[i][0]
		r.iovs[i].SetLen(len(r.bufs[i]))
		h.Iov = &r.iovs[i]
		h.SetIovlen(1)
		h.Name = (*byte)(unsafe.Pointer(&r.names[i]))
		h.Namelen = unix.SizeofSockaddrAny
		oob := r.ms[i].OOB[:cap(r.ms[i].OOB)]
		h.Control = &oob[0]
		h.SetControllen(len(oob))
		h.Flags = 0
	}
	n := 0
	var rerr error
	err := r.s.rc.Control(func(fd uintptr) {
		for {
			got, _, e := unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&r.hdrs[0])),
				uintptr(len(r.hdrs)), unix.MSG_DONTWAIT, 0, 0)
			switch e {
			case 0:
				n = int(got)
			case unix.EINTR:
				continue
			case unix.EAGAIN:
			default:
				rerr = e
			}
			return
		}
	})
	if err == nil {
		err = rerr
	}
	for i := range n {
		m, h := &r.ms[i], &r.hdrs[i]
		m.N, m.NN, m.Flags = int(h.n), int(h.hdr.Controllen), int(h.hdr.Flags)
		m.Addr = rawSockaddrIP(&r.names[i])
	}
	return n, err
}

// mmsghdr is the kernel's struct mmsghdr.
type mmsghdr struct {
	hdr unix.Msghdr
	n   uint32
	_   [4]byte
}

// rawSockaddrIP is the sender of a recvmmsg'd packet as ReadBatch
// reports it.
func rawSockaddrIP(sa *unix.RawSockaddrAny) net.Addr {
	switch sa.Addr.Family {
	case unix.AF_INET:
		a := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		return &net.IPAddr{IP: net.IP(a.Addr[:]).To16()}
	case unix.AF_INET6:
		a := (*unix.RawSockaddrInet6)(unsafe.Pointer(sa))
		return &net.IPAddr{IP: net.IP(a.Addr[:])}
	}
	return nil
}

// packet decodes one message; a runt IPv4 datagram (no room for its own
// header) is skipped.
func (r *Reader) packet(m *ipv4.Message, buf []byte, now time.Time) (Packet, bool) {
	data, oob := buf[:m.N], m.OOB[:m.NN]
	p := Packet{Src: addrOf(m.Addr), At: arrival(now, stampOf(oob)), Truncated: m.Flags&unix.MSG_TRUNC != 0}
	if r.s.Family == 4 {
		// ReadBatch leaves the IPv4 header on (ReadFrom strips it).
		if len(data) < 20 || len(data) < int(data[0]&0x0f)*4 {
			return p, false
		}
		p.Payload = data[int(data[0]&0x0f)*4:]
		var cm ipv4.ControlMessage
		if cm.Parse(oob) == nil {
			p.TTL, p.IfIndex = cm.TTL, cm.IfIndex
			p.Dst, _ = netip.AddrFromSlice(cm.Dst.To4())
		}
		return p, true
	}
	p.Payload = data
	var cm ipv6.ControlMessage
	if cm.Parse(oob) == nil {
		p.TTL, p.IfIndex = cm.HopLimit, cm.IfIndex
		p.Dst, _ = netip.AddrFromSlice(cm.Dst)
	}
	return p, true
}

// stampOf finds SCM_TIMESTAMPNS among the control messages.
func stampOf(oob []byte) time.Time {
	for len(oob) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < unix.SizeofCmsghdr || l > len(oob) {
			break
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && l >= unix.CmsgLen(16) {
			d := oob[unix.CmsgLen(0):]
			sec := int64(binary.NativeEndian.Uint64(d[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(d[8:16]))
			return time.Unix(sec, nsec)
		}
		oob = oob[min(unix.CmsgSpace(l-unix.CmsgLen(0)), len(oob)):]
	}
	return time.Time{}
}

// maxStampLag bounds how far back a kernel timestamp may move a packet's
// arrival; anything older is a wall-clock step, not a slow wake-up.
const maxStampLag = 100 * time.Millisecond

// arrival is the packet's kernel receive time expressed on now's monotonic
// clock, or now when the kernel has no usable stamp. The stamp is
// wall-clock time, so only its distance from now is used.
func arrival(now, stamp time.Time) time.Time {
	if stamp.IsZero() {
		return now
	}
	lag := now.Round(0).Sub(stamp)
	if lag < 0 || lag > maxStampLag {
		return now
	}
	return now.Add(-lag)
}

func addrOf(a net.Addr) netip.Addr {
	if ia, ok := a.(*net.IPAddr); ok {
		if ip, ok := netip.AddrFromSlice(ia.IP); ok {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}
