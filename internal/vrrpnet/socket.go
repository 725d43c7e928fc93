package vrrpnet

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// Protocol is VRRP's IP protocol number.
const Protocol = 112

// Group addresses from RFC 5798 §5.1.1.2 / §5.1.2.2.
var (
	Group4 = netip.MustParseAddr("224.0.0.18")
	Group6 = netip.MustParseAddr("ff02::12")
)

// Packet is one received advert with the IP-layer facts the receive checks
// need. Payload aliases the socket's buffer and is valid until the next
// Recv.
type Packet struct {
	Payload []byte
	Src     netip.Addr
	Dst     netip.Addr
	TTL     int // TTL or hop limit
	IfIndex int
	// At is when the kernel received the packet. The master-down timer
	// runs from the advert's arrival; waking this process and reading the
	// socket takes a few hundred microseconds on an idle machine, and
	// counting from then would move every takeover that much later.
	At time.Time
}

// Socket is a protocol-112 socket bound to one interface and family.
type Socket struct {
	Iface  *net.Interface
	Family int // 4 or 6
	pc4    *ipv4.PacketConn
	pc6    *ipv6.PacketConn
	raw    net.PacketConn
	rc     syscall.RawConn
	buf    []byte
	groups map[netip.Addr]bool
}

// Open creates the socket for ifname and family, bound to the interface,
// sending with TTL/hop limit 255 and traffic class 0xc0 (what keepalived
// sends, and what RFC 5798 §5.1.1.3 requires receivers to check).
func Open(ifname string, family int) (*Socket, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("vrrp socket on %s: %w", ifname, err)
	}
	s := &Socket{Iface: ifi, Family: family, buf: make([]byte, 65536), groups: map[netip.Addr]bool{}}
	network, laddr := "ip4:112", "0.0.0.0"
	if family == 6 {
		network, laddr = "ip6:112", "::"
	}
	s.raw, err = net.ListenPacket(network, laddr)
	if err != nil {
		return nil, fmt.Errorf("vrrp socket on %s: %w", ifname, err)
	}
	if err := s.setup(); err != nil {
		s.raw.Close()
		return nil, fmt.Errorf("vrrp socket on %s (IPv%d): %w", ifname, family, err)
	}
	return s, nil
}

func (s *Socket) setup() error {
	if err := bindToDevice(s.raw, s.Iface.Name); err != nil {
		return err
	}
	var err error
	if s.rc, err = s.raw.(syscall.Conn).SyscallConn(); err != nil {
		return err
	}
	// The first SIOCGSTAMPNS turns on receive timestamps for the socket
	// (it has nothing to report yet); every later packet carries one.
	s.kernelStamp()
	if s.Family == 4 {
		s.pc4 = ipv4.NewPacketConn(s.raw)
		return errors.Join(
			s.pc4.SetTTL(255), s.pc4.SetMulticastTTL(255), s.pc4.SetTOS(0xc0),
			s.pc4.SetMulticastInterface(s.Iface), s.pc4.SetMulticastLoopback(false),
			s.pc4.SetControlMessage(ipv4.FlagTTL|ipv4.FlagDst|ipv4.FlagInterface|ipv4.FlagSrc, true))
	}
	s.pc6 = ipv6.NewPacketConn(s.raw)
	return errors.Join(
		s.pc6.SetHopLimit(255), s.pc6.SetMulticastHopLimit(255), s.pc6.SetTrafficClass(0xc0),
		s.pc6.SetMulticastInterface(s.Iface), s.pc6.SetMulticastLoopback(false),
		s.pc6.SetControlMessage(ipv6.FlagHopLimit|ipv6.FlagDst|ipv6.FlagInterface|ipv6.FlagSrc, true))
}

func bindToDevice(c net.PacketConn, name string) error {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return errors.New("socket does not expose its descriptor")
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptString(int(fd), unix.SOL_SOCKET, unix.SO_BINDTODEVICE, name)
	}); err != nil {
		return err
	}
	if serr != nil {
		return fmt.Errorf("SO_BINDTODEVICE %s: %w", name, serr)
	}
	return nil
}

// Join joins a multicast group on the socket's interface (idempotent).
func (s *Socket) Join(group netip.Addr) error {
	if s.groups[group] {
		return nil
	}
	var err error
	if s.Family == 4 {
		err = s.pc4.JoinGroup(s.Iface, &net.IPAddr{IP: group.AsSlice()})
	} else {
		err = s.pc6.JoinGroup(s.Iface, &net.IPAddr{IP: group.AsSlice()})
	}
	if err != nil {
		return fmt.Errorf("join %s on %s: %w", group, s.Iface.Name, err)
	}
	s.groups[group] = true
	return nil
}

// Send writes one VRRP message from src (zero: let the kernel choose) to
// dst.
func (s *Socket) Send(payload []byte, src, dst netip.Addr) error {
	to := &net.IPAddr{IP: dst.AsSlice()}
	if s.Family == 4 {
		cm := &ipv4.ControlMessage{IfIndex: s.Iface.Index}
		if src.IsValid() {
			cm.Src = src.AsSlice()
		}
		_, err := s.pc4.WriteTo(payload, cm, to)
		return err
	}
	cm := &ipv6.ControlMessage{IfIndex: s.Iface.Index, HopLimit: 255, TrafficClass: 0xc0}
	if src.IsValid() {
		cm.Src = src.AsSlice()
	}
	_, err := s.pc6.WriteTo(payload, cm, to)
	return err
}

// Recv blocks for the next packet.
func (s *Socket) Recv() (Packet, error) {
	if s.Family == 4 {
		n, cm, from, err := s.pc4.ReadFrom(s.buf)
		if err != nil {
			return Packet{}, err
		}
		p := Packet{Payload: s.buf[:n], Src: addrOf(from), At: s.arrival(time.Now())}
		if cm != nil {
			p.TTL, p.IfIndex = cm.TTL, cm.IfIndex
			p.Dst, _ = netip.AddrFromSlice(cm.Dst.To4())
		}
		return p, nil
	}
	n, cm, from, err := s.pc6.ReadFrom(s.buf)
	if err != nil {
		return Packet{}, err
	}
	p := Packet{Payload: s.buf[:n], Src: addrOf(from), At: s.arrival(time.Now())}
	if cm != nil {
		p.TTL, p.IfIndex = cm.HopLimit, cm.IfIndex
		p.Dst, _ = netip.AddrFromSlice(cm.Dst)
	}
	return p, nil
}

// maxStampLag bounds how far back a kernel timestamp may move a packet's
// arrival; anything older is a wall-clock step, not a slow wake-up.
const maxStampLag = 100 * time.Millisecond

// arrival is the packet's kernel receive time expressed on now's monotonic
// clock, or now when the kernel has no usable stamp. The stamp is
// wall-clock time, so only its distance from now is used.
func (s *Socket) arrival(now time.Time) time.Time {
	ks, ok := s.kernelStamp()
	if !ok {
		return now
	}
	lag := now.Round(0).Sub(ks)
	if lag <= 0 || lag > maxStampLag {
		return now
	}
	return now.Add(-lag)
}

// kernelStamp asks for the receive time of the packet last read
// (SIOCGSTAMPNS); cheaper than a control-message parse for one packet a
// second, and it works through x/net's PacketConn unchanged.
func (s *Socket) kernelStamp() (time.Time, bool) {
	var ts unix.Timespec
	var errno syscall.Errno
	err := s.rc.Control(func(fd uintptr) {
		_, _, errno = unix.RawSyscall(unix.SYS_IOCTL, fd, unix.SIOCGSTAMPNS, uintptr(unsafe.Pointer(&ts)))
	})
	if err != nil || errno != 0 {
		return time.Time{}, false
	}
	return time.Unix(ts.Unix()), true
}

func addrOf(a net.Addr) netip.Addr {
	if ia, ok := a.(*net.IPAddr); ok {
		if ip, ok := netip.AddrFromSlice(ia.IP); ok {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}

// Close closes the socket; a blocked Recv returns an error.
func (s *Socket) Close() error { return s.raw.Close() }
