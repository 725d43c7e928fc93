package bfdsub

import (
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/bfd"
)

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

// Timers is the port to the owner's timer service. The sessions' timers
// live on the daemon's one heap, beside the VRRP instances', so that BFD
// and VRRP deadlines are served by one wake-up in one order, and no
// second timer goroutine competes with the event loop for the CPU.
type Timers interface {
	// NewTimer makes a session's timer id; once armed and due, the
	// service calls fire on the owner's loop with the time it fires at.
	// It is called once per session and timer, never per arming.
	NewTimer(id bfd.TimerID, fire func(now time.Time)) Timer
}

// Timer is one session timer on the owner's service; Arm and Stop are
// called on the owner's loop.
type Timer interface {
	// Arm (re)starts the timer for deadline at.
	Arm(at time.Time)
	// Stop disarms it; a stopped timer does not fire.
	Stop()
}
