package garp

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/mdlayher/packet"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
)

// Sender writes announcement frames on one interface through an AF_PACKET
// socket (github.com/mdlayher/packet). A raw socket with protocol 0 never
// receives, so it costs nothing while idle. One Sender serves every VRRP
// instance on its interface: the daemon shares it, each instance preparing
// and forgetting its own addresses, so thousands of instances cost one
// descriptor per interface. It is not safe for concurrent use.
type Sender struct {
	ifi  *net.Interface
	conn *packet.Conn
	// frames holds the announcements built so far. A frame depends only
	// on the MAC and the address, and building one through gopacket took
	// longer than sending it: on a takeover it sat between the VIP
	// appearing and the clients learning where it went.
	frames map[frameKey][]byte
	out    [][]byte  // the frames one Announce sends
	mm     mmsgBatch // sendmmsg's buffers, kept between calls
}

type frameKey struct {
	mac [6]byte
	ip  netip.Addr
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
	return &Sender{ifi: ifi, conn: c, frames: map[frameKey][]byte{}}, nil
}

// Prepare builds the frames for addrs from mac (nil: the interface's MAC)
// ahead of the first Announce. Frames prepared for other addresses stay:
// they may belong to another instance sharing the sender (Forget drops
// an instance's own).
func (s *Sender) Prepare(mac net.HardwareAddr, addrs []netip.Addr) error {
	for _, a := range addrs {
		if _, err := s.frame(mac, a); err != nil {
			return err
		}
	}
	return nil
}

// Forget drops the frames prepared for addrs from mac (nil: the
// interface's MAC), when the addresses leave the configuration.
func (s *Sender) Forget(mac net.HardwareAddr, addrs []netip.Addr) {
	if mac == nil {
		mac = s.ifi.HardwareAddr
	}
	var k frameKey
	copy(k.mac[:], mac)
	for _, a := range addrs {
		k.ip = a
		delete(s.frames, k)
	}
}

// Prepared reports how many frames are cached.
func (s *Sender) Prepared() int { return len(s.frames) }

func (s *Sender) frame(mac net.HardwareAddr, a netip.Addr) ([]byte, error) {
	if mac == nil {
		mac = s.ifi.HardwareAddr
	}
	var k frameKey
	copy(k.mac[:], mac)
	k.ip = a
	if f, ok := s.frames[k]; ok && len(mac) == 6 {
		return f, nil
	}
	f, err := Frame(mac, a)
	if err != nil {
		return nil, err
	}
	s.frames[k] = f
	return f, nil
}

// Announce sends count announcements of each address from mac (nil: the
// interface's own MAC), back to back as keepalived does by default, in one
// system call where the OS allows (sendFrames).
func (s *Sender) Announce(mac net.HardwareAddr, addrs []netip.Addr, count int) error {
	s.out = s.out[:0]
	for _, a := range addrs {
		f, err := s.frame(mac, a)
		if err != nil {
			return err
		}
		for i := 0; i < count; i++ {
			s.out = append(s.out, f)
		}
	}
	if err := s.sendFrames(s.out); err != nil {
		return fmt.Errorf("garp %v on %s: %w", addrs, s.ifi.Name, err)
	}
	return nil
}

// Close closes the socket.
func (s *Sender) Close() error { return s.conn.Close() }
