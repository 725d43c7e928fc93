package vrrpnet

import (
	"net"
	"net/netip"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// A Batch holds adverts for one sendmmsg. Thousands of instances on an
// interface advertise within the same millisecond; a system call each
// cost a master most of its CPU (perf at 4,080 instances: the send path
// 54 % of the process, the Go runtime's hand-offs around each blocking
// call a further third). Its buffers are kept from one flush to the
// next, so a steady advert rate allocates nothing.
type Batch struct {
	s    *Socket
	data []byte // the payloads, back to back
	ends []int  // where each payload ends in data
	msgs []ipv4.Message
	bufs [][]byte
	// One control message per source and one address per destination:
	// the instances of an interface share both.
	oobs  []srcOOB
	addrs []dstAddr
}

type srcOOB struct {
	src netip.Addr
	oob []byte
}

type dstAddr struct {
	dst  netip.Addr
	addr net.Addr
}

// NewBatch makes an empty batch for the socket.
func (s *Socket) NewBatch() *Batch { return &Batch{s: s} }

// Len is how many messages wait.
func (b *Batch) Len() int { return len(b.ends) }

// Add queues a copy of payload from src (zero: the kernel chooses) to dst.
func (b *Batch) Add(payload []byte, src, dst netip.Addr) {
	b.data = append(b.data, payload...)
	b.ends = append(b.ends, len(b.data))
	b.msgs = append(b.msgs, ipv4.Message{OOB: b.oob(src), Addr: b.addr(dst)})
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
	b.oobs = append(b.oobs, srcOOB{src, oob})
	return oob
}

func (b *Batch) addr(dst netip.Addr) net.Addr {
	for _, a := range b.addrs {
		if a.dst == dst {
			return a.addr
		}
	}
	a := ipAddr(dst)
	b.addrs = append(b.addrs, dstAddr{dst, a})
	return a
}

// Flush sends every queued message, as few system calls as the kernel
// takes them in, and empties the batch. It returns how many went out, in
// order: on an error the rest were not sent.
func (b *Batch) Flush() (int, error) {
	defer b.reset()
	if len(b.ends) == 0 {
		return 0, nil
	}
	b.bufs = b.bufs[:0]
	start := 0
	for _, end := range b.ends {
		b.bufs = append(b.bufs, b.data[start:end])
		start = end
	}
	for i := range b.msgs {
		b.msgs[i].Buffers = b.bufs[i : i+1 : i+1]
	}
	sent := 0
	for sent < len(b.msgs) {
		var n int
		var err error
		if b.s.Family == 4 {
			n, err = b.s.pc4.WriteBatch(b.msgs[sent:], 0)
		} else {
			n, err = b.s.pc6.WriteBatch(b.msgs[sent:], 0)
		}
		sent += n
		if err != nil {
			return sent, err
		}
		if n == 0 {
			break
		}
	}
	return sent, nil
}

func (b *Batch) reset() {
	b.data, b.ends = b.data[:0], b.ends[:0]
	clear(b.msgs)
	b.msgs = b.msgs[:0]
	// A source or group that changed must not pin its old entry forever;
	// a handful a socket is the normal count.
	if len(b.oobs) > 8 {
		b.oobs = b.oobs[:0]
	}
	if len(b.addrs) > 8 {
		b.addrs = b.addrs[:0]
	}
}
