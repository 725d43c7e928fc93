package vrrpnet

import (
	"net/netip"
	"time"
)

// Protocol is VRRP's IP protocol number.
const Protocol = 112

// Group addresses from RFC 5798 §5.1.1.2 / §5.1.2.2.
var (
	Group4 = netip.MustParseAddr("224.0.0.18")
	Group6 = netip.MustParseAddr("ff02::12")
)

// DefaultReadBuffer is the receive buffer Open asks for: at 100 kpps of
// minimum-size adverts (each costing about 1 KiB of buffer in the kernel's
// accounting), a few tens of milliseconds of backlog, where the default
// (208 KiB) held two.
const DefaultReadBuffer = 4 << 20

// Packet is one received advert with the IP-layer facts the receive checks
// need. Payload aliases the socket's (or the Reader's) buffer and is valid
// until the next read.
type Packet struct {
	Payload []byte
	Src     netip.Addr
	Dst     netip.Addr
	TTL     int // TTL or hop limit
	IfIndex int
	// Truncated is set when the datagram was longer than the read buffer
	// (more than the largest valid VRRP message: maxPacket4, maxPacket):
	// Payload is its beginning, and the packet is oversized.
	Truncated bool
	// At is when the kernel received the packet. The master-down timer
	// runs from the advert's arrival; waking this process and reading the
	// socket takes a few hundred microseconds on an idle machine, and
	// counting from then would move every takeover that much later.
	At time.Time
}

// KernelDrops are what a socket's counting prefilter dropped since the
// socket opened (Socket.KernelDrops).
type KernelDrops struct {
	TTL      [256]uint64 // multicast with TTL/hop limit not 255, by VRID (served ones)
	Unserved uint64      // for a VRID the socket does not serve
}
