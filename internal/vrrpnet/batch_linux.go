package vrrpnet

import (
	"net/netip"
	"unsafe"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/internal/mmsg"
)

// A Batch holds adverts for one sendmmsg. Thousands of instances on an
// interface advertise within the same millisecond; a system call each
// cost a master most of its CPU (perf at 4,080 instances: the send path
// 54 % of the process, the Go runtime's hand-offs around each call a
// further third). Its buffers are kept from one flush to the next, so a
// steady advert rate allocates nothing.
type Batch struct {
	s *Socket
	b mmsg.Batch
	// One control message per source and one address per destination:
	// the instances of an interface share both.
	oobs  []srcOOB
	names []dstName
	pkt   []byte // an IPv4 packet being built (header4)
}

type srcOOB struct {
	src netip.Addr
	oob []byte
}

type dstName struct {
	dst  netip.Addr
	name []byte
}

// NewBatch makes an empty batch for the socket.
func (s *Socket) NewBatch() *Batch { return &Batch{s: s} }

// Len is how many messages wait.
func (b *Batch) Len() int { return b.b.Len() }

// Add queues a copy of payload from src (zero: the kernel chooses) to dst.
func (b *Batch) Add(payload []byte, src, dst netip.Addr) {
	if dst4 := dst.Unmap(); b.s.Family == 4 && dst4.Is4() { // else the kernel refuses it, as before
		b.pkt = header4(b.pkt[:0], src.Unmap(), dst4)
		b.pkt = append(b.pkt, payload...)
		b.b.Add(b.pkt, b.name(dst4), nil)
		return
	}
	b.b.Add(payload, b.name(dst), b.oob(src))
}

// header4 appends the IPv4 header of an advert from src (zero: the
// kernel's choice for the route) to dst. The IPv4 send socket writes
// its own headers (IP_HDRINCL), as keepalived's does: a source given in
// a control message made the kernel look it up among the machine's
// addresses for every packet (__ip_dev_find, 6 % of a 4,080-instance
// master's samples), one given in the header is sent as it is. The
// kernel fills in the length, the identification and the checksum.
func header4(p []byte, src, dst netip.Addr) []byte {
	const df = 0x40
	p = append(p, 0x45, 0xc0, 0, 0, 0, 0, df, 0, 255, 112, 0, 0)
	if src.Is4() {
		a := src.As4()
		p = append(p, a[:]...)
	} else {
		p = append(p, 0, 0, 0, 0)
	}
	a := dst.As4()
	return append(p, a[:]...)
}

func (b *Batch) oob(src netip.Addr) []byte {
	for _, o := range b.oobs {
		if o.src == src {
			return o.oob
		}
	}
	var oob []byte
	if b.s.Family == 4 {
		cm := &ipv4.ControlMessage{IfIndex: b.s.Iface.Index}
		if src.IsValid() {
			cm.Src = src.AsSlice()
		}
		oob = cm.Marshal()
	} else {
		cm := &ipv6.ControlMessage{IfIndex: b.s.Iface.Index, HopLimit: 255, TrafficClass: 0xc0}
		if src.IsValid() {
			cm.Src = src.AsSlice()
		}
		oob = cm.Marshal()
	}
	if len(b.oobs) >= 8 { // a source that changed must not pin its entry
		b.oobs = b.oobs[:0]
	}
	b.oobs = append(b.oobs, srcOOB{src, oob})
	return oob
}

// name is dst as a raw socket address.
func (b *Batch) name(dst netip.Addr) []byte {
	for _, n := range b.names {
		if n.dst == dst {
			return n.name
		}
	}
	var name []byte
	if dst.Is4() {
		sa := unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: dst.As4()}
		name = append(name, unsafe.Slice((*byte)(unsafe.Pointer(&sa)), unix.SizeofSockaddrInet4)...)
	} else {
		sa := unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: dst.As16()}
		name = append(name, unsafe.Slice((*byte)(unsafe.Pointer(&sa)), unix.SizeofSockaddrInet6)...)
	}
	if len(b.names) >= 8 {
		b.names = b.names[:0]
	}
	b.names = append(b.names, dstName{dst, name})
	return name
}

// Flush sends every queued message and empties the batch. A message the
// kernel refuses is skipped, the rest still go; refused (if not nil)
// hears the index of each skipped one. It returns how many went and the
// first error. The batch leaves through the socket's send socket, which
// no poller watches (sender_linux.go).
func (b *Batch) Flush(refused func(i int, err error)) (int, error) {
	return b.b.SendFD(b.s.sendFD, refused)
}
