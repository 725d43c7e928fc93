package garp

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/mdlayher/packet"
)

// Sender writes announcement frames on one interface through an AF_PACKET
// socket (github.com/mdlayher/packet). A raw socket with protocol 0 never
// receives, so it costs nothing while idle.
type Sender struct {
	ifi  *net.Interface
	conn *packet.Conn
}

// NewSender opens the socket on ifname.
func NewSender(ifname string) (*Sender, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("garp on %s: %w", ifname, err)
	}
	c, err := packet.Listen(ifi, packet.Raw, 0, nil)
	if err != nil {
		return nil, fmt.Errorf("garp on %s: %w", ifname, err)
	}
	return &Sender{ifi: ifi, conn: c}, nil
}

// Announce sends count announcements of each address from mac (nil: the
// interface's own MAC), back to back as keepalived does by default.
func (s *Sender) Announce(mac net.HardwareAddr, addrs []netip.Addr, count int) error {
	if mac == nil {
		mac = s.ifi.HardwareAddr
	}
	for _, a := range addrs {
		f, err := Frame(mac, a)
		if err != nil {
			return err
		}
		dst := &packet.Addr{HardwareAddr: net.HardwareAddr(f[0:6])}
		for i := 0; i < count; i++ {
			if _, err := s.conn.WriteTo(f, dst); err != nil {
				return fmt.Errorf("garp %s on %s: %w", a, s.ifi.Name, err)
			}
		}
	}
	return nil
}

// Close closes the socket.
func (s *Sender) Close() error { return s.conn.Close() }
