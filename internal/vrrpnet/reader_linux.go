package vrrpnet

import (
	"encoding/binary"
	"fmt"
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
//
// The system call and the decoding are its own, not golang.org/x/net's
// ReadBatch: that allocated per packet (the sender as a *net.IPAddr, the
// control messages as a slice, the destination as a net.IP), about 300
// bytes of garbage an advert, which a backup of 4,080 instances produced
// 4,080 times a second. A Reader allocates nothing once made.
type Reader struct {
	s      *Socket // the socket Read and Poll read; PollFrom's last
	family int
	size   int    // one slot of buf
	buf    []byte // the datagrams, slot i at i × size
	oobLen int    // one slot of oob
	oob    []byte
	hdrs   []mmsghdr
	iovs   []unix.Iovec
	names  []unix.RawSockaddrInet6 // an IPv4 sender fills the first 16 bytes
	out    []Packet
	// The functions Read and Poll hand the socket, made once (a closure
	// made per call escapes, with what it captures), and their results.
	readFn func(fd uintptr) bool
	pollFn func(fd uintptr)
	got    int
	err    error
}

// maxPacket bounds one received datagram: the largest VRRP message (a
// v3 header with 255 IPv6 addresses and an auth_hmac trailer, 4,116
// bytes) in the allocator's size class above it. An IPv4 socket's is
// smaller, its header included: 60 + 8 + 255 × 4 + 8 + 28 = 1,124 bytes,
// in the 1,152-byte class. The daemon holds two batches of these a
// family (16 slots for its reader of every socket, 4 for its loop's
// Poll), where a reader a socket held a few hundred kilobytes at sixteen
// interfaces. A longer datagram is read truncated and dropped as
// oversized.
const (
	maxPacket  = 4864
	maxPacket4 = 1152
)

// NewReader returns a reader of up to n packets per Read.
func (s *Socket) NewReader(n int) *Reader {
	r := NewFamilyReader(s.Family, n)
	r.s = s
	return r
}

// NewFamilyReader returns a reader of up to n packets per PollFrom bound
// to no socket: one goroutine waiting on many sockets (a Mux) reads them
// all into one set of buffers, where a Reader per socket held a batch of
// slots each, most of them idle.
func NewFamilyReader(family, n int) *Reader {
	n = max(n, 1)
	oob := ipv4.NewControlMessage(ipv4.FlagTTL | ipv4.FlagDst | ipv4.FlagInterface | ipv4.FlagSrc)
	size := maxPacket4
	if family == 6 {
		oob = ipv6.NewControlMessage(ipv6.FlagHopLimit | ipv6.FlagDst | ipv6.FlagInterface | ipv6.FlagSrc)
		size = maxPacket
	}
	r := &Reader{family: family, size: size, buf: make([]byte, n*size), oobLen: len(oob) + unix.CmsgSpace(16), // + SCM_TIMESTAMPNS's timespec
		hdrs: make([]mmsghdr, n), iovs: make([]unix.Iovec, n), names: make([]unix.RawSockaddrInet6, n), out: make([]Packet, 0, n)}
	r.oob = make([]byte, n*r.oobLen)
	r.readFn = func(fd uintptr) bool {
		r.got, r.err = r.recv(fd)
		return r.err != unix.EAGAIN // else wait on the poller
	}
	r.pollFn = func(fd uintptr) { r.got, r.err = r.recv(fd) }
	for i := range r.hdrs {
		r.iovs[i].Base = &r.buf[i*size]
		r.iovs[i].SetLen(size)
		h := &r.hdrs[i].hdr
		h.Iov = &r.iovs[i]
		h.SetIovlen(1)
		h.Name = (*byte)(unsafe.Pointer(&r.names[i]))
		h.Control = &r.oob[i*r.oobLen]
	}
	return r
}

// Read blocks until at least one packet is queued and returns every packet
// the batch could take. The packets and their payloads are valid until
// the next Read.
func (r *Reader) Read() ([]Packet, error) {
	err := r.s.rc.Read(r.readFn)
	if err == nil {
		err = r.err
	}
	if err != nil {
		return nil, err
	}
	return r.decode(r.got), nil
}

// Poll returns, without waiting, the packets already queued on the socket
// (up to the batch). The loop calls it before it declares a master dead:
// on a loaded machine the process may get the CPU back only after both
// the master-down deadline and the master's advert have passed, and the
// advert, queued since before the deadline, must still count. It reads
// beside a Reader blocked in Read (the kernel hands each packet to one of
// them), which is why it uses Control and not the read lock Read holds.
func (r *Reader) Poll() ([]Packet, error) {
	err := r.s.rc.Control(r.pollFn)
	if err == nil && r.err != unix.EAGAIN {
		err = r.err
	}
	if err != nil {
		return nil, err
	}
	return r.decode(r.got), nil
}

// PollFrom is Poll on s, a socket of the reader's family, with the
// reader's buffers: the packets are valid until its next read of any
// socket.
func (r *Reader) PollFrom(s *Socket) ([]Packet, error) {
	if s.Family != r.family {
		return nil, fmt.Errorf("vrrp socket on %s: IPv%d socket read by an IPv%d reader", s.Iface.Name, s.Family, r.family)
	}
	r.s = s
	return r.Poll()
}

// recv fills the batch with one non-blocking recvmmsg. It is a raw
// system call, as the daemon's other non-blocking ones (it returns at
// once): through package syscall it would tell the scheduler, which wakes
// its monitor thread for every read.
func (r *Reader) recv(fd uintptr) (int, error) {
	for i := range r.hdrs {
		h := &r.hdrs[i].hdr
		h.Namelen = unix.SizeofSockaddrInet6
		h.SetControllen(r.oobLen)
		h.Flags = 0
	}
	for {
		got, _, e := unix.RawSyscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&r.hdrs[0])),
			uintptr(len(r.hdrs)), unix.MSG_DONTWAIT, 0, 0)
		switch e {
		case 0:
			return int(got), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}

// mmsghdr is the kernel's struct mmsghdr.
type mmsghdr struct {
	hdr unix.Msghdr
	n   uint32
	_   [4]byte
}

// decode turns the batch's first n messages into packets.
func (r *Reader) decode(n int) []Packet {
	now := time.Now()
	out := r.out[:0]
	for i := range n {
		h := &r.hdrs[i]
		data := r.buf[i*r.size : i*r.size+min(int(h.n), r.size)]
		oob := r.oob[i*r.oobLen : i*r.oobLen+min(int(h.hdr.Controllen), r.oobLen)]
		if p, ok := r.packet(data, oob, h.hdr.Flags&unix.MSG_TRUNC != 0, now); ok {
			p.Src = senderOf(&r.names[i])
			out = append(out, p)
		}
	}
	return out
}

// senderOf is the sender recvmmsg wrote (an IPv4-mapped IPv6 sender as
// IPv4).
func senderOf(sa *unix.RawSockaddrInet6) netip.Addr {
	switch sa.Family {
	case unix.AF_INET:
		return netip.AddrFrom4((*unix.RawSockaddrInet4)(unsafe.Pointer(sa)).Addr)
	case unix.AF_INET6:
		return netip.AddrFrom16(sa.Addr).Unmap()
	}
	return netip.Addr{}
}

// packet decodes one message but its sender; a runt IPv4 datagram (no
// room for its own header) is skipped.
func (r *Reader) packet(data, oob []byte, truncated bool, now time.Time) (Packet, bool) {
	c := parseControl(oob, r.family)
	p := Packet{At: arrival(now, c.stamp), Truncated: truncated, TTL: c.ttl, IfIndex: c.ifIndex, Dst: c.dst}
	if r.family == 4 {
		// A raw IPv4 socket leaves the IPv4 header on.
		if len(data) < 20 || len(data) < int(data[0]&0x0f)*4 {
			return p, false
		}
		p.Payload = data[int(data[0]&0x0f)*4:]
		return p, true
	}
	p.Payload = data
	return p, true
}

// control is what a packet's control messages say.
type control struct {
	stamp   time.Time
	ttl     int // TTL or hop limit
	ifIndex int
	dst     netip.Addr
}

// parseControl reads the receive time (the first SCM_TIMESTAMPNS), the TTL or hop
// limit, and the packet information (destination and interface) from a
// packet's control messages. A malformed message ends the walk, and then
// only a receive time found before it counts, as golang.org/x/net's
// parser gave nothing for the whole (FuzzControlAsXNet holds the two to
// each other).
func parseControl(oob []byte, family int) control {
	var c, ip control
	for len(oob) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < unix.SizeofCmsghdr || l > len(oob) {
			return c
		}
		d := oob[unix.CmsgLen(0):l]
		switch {
		case h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && len(d) >= 16 && c.stamp.IsZero():
			sec := int64(binary.NativeEndian.Uint64(d[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(d[8:16]))
			c.stamp = time.Unix(sec, nsec)
		case family == 4 && h.Level == unix.IPPROTO_IP:
			ip.ipv4(h.Type, d)
		case family == 6 && h.Level == unix.IPPROTO_IPV6:
			ip.ipv6(h.Type, d)
		}
		oob = oob[min(unix.CmsgSpace(len(d)), len(oob)):]
	}
	c.ttl, c.ifIndex, c.dst = ip.ttl, ip.ifIndex, ip.dst
	return c
}

// ipv4 reads IP_TTL and IP_PKTINFO (struct in_pktinfo: the interface, the
// local address, and the header's destination).
func (c *control) ipv4(typ int32, d []byte) {
	switch {
	case typ == unix.IP_TTL && len(d) >= 4:
		c.ttl = int(binary.NativeEndian.Uint32(d))
	case typ == unix.IP_PKTINFO && len(d) >= unix.SizeofInet4Pktinfo:
		c.ifIndex = int(int32(binary.NativeEndian.Uint32(d)))
		c.dst = netip.AddrFrom4([4]byte(d[8:12]))
	}
}

// ipv6 reads IPV6_HOPLIMIT and IPV6_PKTINFO (struct in6_pktinfo: the
// destination and the interface).
func (c *control) ipv6(typ int32, d []byte) {
	switch {
	case typ == unix.IPV6_HOPLIMIT && len(d) >= 4:
		c.ttl = int(binary.NativeEndian.Uint32(d))
	case typ == unix.IPV6_PKTINFO && len(d) >= unix.SizeofInet6Pktinfo:
		c.dst = netip.AddrFrom16([16]byte(d[:16]))
		c.ifIndex = int(int32(binary.NativeEndian.Uint32(d[16:20])))
	}
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
