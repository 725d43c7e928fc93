package garp

import (
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/mdlayher/packet"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
)

// Sender writes announcement frames on one interface through an AF_PACKET
// socket (github.com/mdlayher/packet). A raw socket with protocol 0 never
// receives, so it costs nothing while idle. One Sender serves every VRRP
// instance on its interface, so thousands of instances cost one
// descriptor per interface. It is not safe for concurrent use.
//
// The frames are built as they are sent, in one buffer kept between
// calls: a frame is 42 or 86 bytes written in place, nanoseconds against
// the microseconds its system call takes, while a cache of ready frames
// cost about 120 bytes per address (0.5 MB at 4,080 instances: issue #12).
type Sender struct {
	ifi  *net.Interface
	conn *packet.Conn
	buf  []byte    // the frames one Announce sends, back to back
	out  [][]byte  // each frame as often as it is sent, in buf
	mm   mmsgBatch // sendmmsg's buffers, kept between calls
}

// NewSender opens the socket on ifname.
func NewSender(ifname string) (*Sender, error) {
	ifi, err := vrrpnet.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("garp on %s: %w", ifname, err)
	}
	c, err := packet.Listen(ifi, packet.Raw, 0, nil)
	if err != nil {
		return nil, fmt.Errorf("garp on %s: %w", ifname, err)
	}
	return &Sender{ifi: ifi, conn: c}, nil
}

// Prepare checks that addrs can be announced from mac (nil: the
// interface's MAC), so that an instance that could never announce is
// refused when it attaches rather than failing at its takeover.
func (s *Sender) Prepare(mac net.HardwareAddr, addrs []netip.Addr) error {
	if mac == nil {
		mac = s.ifi.HardwareAddr
	}
	if len(mac) != 6 {
		return fmt.Errorf("garp on %s: MAC %v is not 6 bytes", s.ifi.Name, mac)
	}
	for _, a := range addrs {
		if !a.IsValid() {
			return fmt.Errorf("garp on %s: no address to announce", s.ifi.Name)
		}
	}
	return nil
}

// Announce sends count announcements of each address from mac (nil: the
// interface's own MAC), back to back as keepalived does by default, in one
// system call where the OS allows (sendFrames).
func (s *Sender) Announce(mac net.HardwareAddr, addrs []netip.Addr, count int) error {
	if err := s.build(mac, addrs, count); err != nil {
		return err
	}
	if err := s.sendFrames(s.out); err != nil {
		return fmt.Errorf("garp %v on %s: %w", addrs, s.ifi.Name, err)
	}
	return nil
}

// build writes one frame per address into s.buf and lists each count
// times in s.out. The buffer is grown first, so that the frames listed
// stay where they were written.
func (s *Sender) build(mac net.HardwareAddr, addrs []netip.Addr, count int) error {
	if err := s.Prepare(mac, addrs); err != nil {
		return err
	}
	if mac == nil {
		mac = s.ifi.HardwareAddr
	}
	s.buf, s.out = slices.Grow(s.buf[:0], len(addrs)*maxFrame), s.out[:0]
	for _, a := range addrs {
		n := len(s.buf)
		s.buf = appendFrame(s.buf, mac, a)
		for range count {
			s.out = append(s.out, s.buf[n:len(s.buf):len(s.buf)])
		}
	}
	return nil
}

// Close closes the socket.
func (s *Sender) Close() error { return s.conn.Close() }
