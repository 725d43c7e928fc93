package bfdsub

import "net/netip"

// Datagram is one received control packet and what the kernel told about
// it: who sent it, to which local address, with which TTL (hop limit).
type Datagram struct {
	From    netip.AddrPort
	To      netip.Addr
	TTL     uint8
	Payload []byte
}

// Net is the subsystem's port to the network.
type Net interface {
	// Listen opens the receive socket of one family (UDP 3784 on the
	// unspecified address) with the received TTL and destination address
	// reported.
	Listen(v6 bool) (Listener, error)
	// Dial opens a session's transmit socket: from src (unspecified: the
	// kernel picks) and a source port in 49152–65535, to dst, every
	// packet sent with ttl.
	Dial(src netip.Addr, dst netip.AddrPort, ttl uint8) (Sender, error)
}

// Listener receives datagrams until closed.
type Listener interface {
	Read(buf []byte) (Datagram, error)
	Close() error
}

// Sender sends a session's packets.
type Sender interface {
	Send(b []byte) error
	Close() error
}
