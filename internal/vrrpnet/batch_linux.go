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
	b.b.Add(payload, b.name(dst), b.oob(src))
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
// no poller watches, and only the rest of a batch that finds its send
// buffer full waits on the poller's socket.
func (b *Batch) Flush(refused func(i int, err error)) (int, error) {
	return b.b.SendVia(b.s.sendFD, b.s.rc, refused)
}
