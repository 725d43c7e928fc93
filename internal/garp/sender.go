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
// instance on its interface: the daemon shares it, each instance keeping
// the Block of its own addresses, so thousands of instances cost one
// descriptor per interface. It is not safe for concurrent use.
type Sender struct {
	ifi *net.Interface
	// frames holds every block's frames, built when an instance attaches
	// or reloads (Prepare): a takeover only sends them.
	frames slab
	out    [][]byte  // the frames one Announce sends, slices of frames.buf
	mm     mmsgBatch // sendmmsg's buffers, kept between calls
	conn   *packet.Conn
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

// Prepare builds the frames announcing addrs from mac (nil: the
// interface's MAC) ahead of the first Announce, in place of old's (zero:
// none), and returns their Block. An address that cannot be announced
// (no MAC of six bytes, an invalid address) is refused and old kept.
func (s *Sender) Prepare(old Block, mac net.HardwareAddr, addrs []netip.Addr) (Block, error) {
	if mac == nil {
		mac = s.ifi.HardwareAddr
	}
	b, err := s.frames.put(old, mac, addrs)
	if err != nil {
		return old, fmt.Errorf("garp on %s: %w", s.ifi.Name, err)
	}
	return b, nil
}

// Forget drops b's frames, when its addresses leave the configuration.
func (s *Sender) Forget(b Block) { s.frames.drop(b) }

// Prepared reports how many frames the sender holds.
func (s *Sender) Prepared() int {
	n := 0
	for i := range s.frames.spans {
		for p, _ := s.frames.frames(Block(i + 1)); len(p) > 0; n++ {
			_, p = next(p)
		}
	}
	return n
}

// Announce sends count announcements of each address of b, back to back
// as keepalived does by default, in one system call where the OS allows
// (sendFrames).
func (s *Sender) Announce(b Block, count int) error { return s.announce(b, nil, count) }

// AnnounceSome sends count announcements of those addresses of b that
// are in addrs: the addresses a reload added to a master.
func (s *Sender) AnnounceSome(b Block, addrs []netip.Addr, count int) error {
	return s.announce(b, addrs, count)
}

func (s *Sender) announce(b Block, only []netip.Addr, count int) error {
	if !s.collect(b, only, count) {
		return fmt.Errorf("garp on %s: block %d not prepared", s.ifi.Name, b)
	}
	if err := s.sendFrames(s.out); err != nil {
		return fmt.Errorf("garp on %s: %w", s.ifi.Name, err)
	}
	return nil
}

// collect lists in s.out count times each frame of b announcing an
// address in only (nil: every frame): slices of the slab, no copy.
func (s *Sender) collect(b Block, only []netip.Addr, count int) bool {
	p, ok := s.frames.frames(b)
	s.out = s.out[:0]
	for len(p) > 0 {
		var f []byte
		f, p = next(p)
		if only != nil && !slices.Contains(only, announced(f)) {
			continue
		}
		for range count {
			s.out = append(s.out, f)
		}
	}
	return ok
}

// Close closes the socket.
func (s *Sender) Close() error { return s.conn.Close() }
