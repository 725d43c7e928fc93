package vrrpnet

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// Socket is a protocol-112 socket bound to one interface and family.
type Socket struct {
	Iface  *net.Interface
	Family int // 4 or 6
	// ReadBuffer is the receive buffer the kernel granted (SO_RCVBUF as
	// read back, which counts the kernel's bookkeeping share too).
	ReadBuffer int
	pc4        *ipv4.PacketConn
	pc6        *ipv6.PacketConn
	raw        net.PacketConn
	rc         syscall.RawConn
	one        *Reader // Recv's batch of one, made by the first Recv
	groups     map[netip.Addr]bool
	// prog and dropMap are the counting eBPF prefilter's descriptors
	// (ebpf_linux.go), -1 while none is installed.
	prog, dropMap int
	// sendFD is the socket batches leave through (sender_linux.go), -1
	// once closed.
	sendFD int
	// FilterErr is why the last SetFilter installed the classic filter,
	// whose drops are not counted, instead of the counting one (nil:
	// counting, or no filter yet).
	FilterErr error
}

// Open creates the socket for ifname and family, bound to the interface,
// sending with TTL/hop limit 255 and traffic class 0xc0 (what keepalived
// sends, and what RFC 5798 §5.1.1.3 requires receivers to check), with
// kernel receive timestamps on and a DefaultReadBuffer receive buffer.
// Its batches leave through a second socket that nothing waits on
// (sender_linux.go).
func Open(ifname string, family int) (*Socket, error) {
	ifi, err := InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("vrrp socket on %s: %w", ifname, err)
	}
	s := &Socket{Iface: ifi, Family: family, groups: map[netip.Addr]bool{}, prog: -1, dropMap: -1, sendFD: -1}
	network, laddr := "ip4:112", "0.0.0.0"
	if family == 6 {
		network, laddr = "ip6:112", "::"
	}
	s.raw, err = net.ListenPacket(network, laddr)
	if err != nil {
		return nil, fmt.Errorf("vrrp socket on %s: %w", ifname, err)
	}
	if err := errors.Join(s.setup(), s.openSender()); err != nil {
		s.closeSender()
		s.raw.Close()
		return nil, fmt.Errorf("vrrp socket on %s (IPv%d): %w", ifname, family, err)
	}
	return s, nil
}

func (s *Socket) setup() error {
	var err error
	if s.rc, err = s.raw.(syscall.Conn).SyscallConn(); err != nil {
		return err
	}
	if err := s.setsockopt(func(fd int) error {
		return unix.SetsockoptString(fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, s.Iface.Name)
	}); err != nil {
		return fmt.Errorf("SO_BINDTODEVICE %s: %w", s.Iface.Name, err)
	}
	// Every packet carries its kernel receive time as a control message,
	// which a batch read needs (SIOCGSTAMPNS only knows the last packet).
	if err := s.setsockopt(func(fd int) error {
		return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}); err != nil {
		return fmt.Errorf("SO_TIMESTAMPNS: %w", err)
	}
	if _, err := s.SetReadBuffer(DefaultReadBuffer); err != nil {
		return err
	}
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

// setsockopt runs f on the socket's descriptor.
func (s *Socket) setsockopt(f func(fd int) error) error {
	var serr error
	if err := s.rc.Control(func(fd uintptr) { serr = f(int(fd)) }); err != nil {
		return err
	}
	return serr
}

// SetReadBuffer asks for a receive buffer of n bytes, past the
// net.core.rmem_max limit when the process may (SO_RCVBUFFORCE, with
// CAP_NET_ADMIN, which govrrpd has anyway), and returns what the kernel
// granted, also kept in ReadBuffer.
func (s *Socket) SetReadBuffer(n int) (int, error) {
	err := s.setsockopt(func(fd int) error {
		if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n) == nil {
			return nil
		}
		return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, n)
	})
	if err != nil {
		return 0, fmt.Errorf("SO_RCVBUF %d: %w", n, err)
	}
	err = s.setsockopt(func(fd int) (e error) {
		s.ReadBuffer, e = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
		return e
	})
	return s.ReadBuffer, err
}

// SetFilter installs (or replaces, on reload) the kernel prefilter: the
// counting eBPF one where the kernel lets this process load it, else the
// classic one (FilterErr says why).
func (s *Socket) SetFilter(f Filter) error {
	if s.FilterErr = s.setEBPF(f); s.FilterErr == nil {
		return nil
	}
	s.closeEBPF()
	prog, err := f.Program(s.Family)
	if err != nil {
		return err
	}
	if s.Family == 4 {
		err = s.pc4.SetBPF(prog)
	} else {
		err = s.pc6.SetBPF(prog)
	}
	if err != nil {
		return fmt.Errorf("vrrp filter on %s: %w", s.Iface.Name, err)
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

// Recv blocks for the next packet: a batch of one, so that Recv and a
// Reader agree on every field. Payload is valid until the next Recv. One
// goroutine calls it; a socket read only through Readers (the daemon's)
// holds no buffer for it.
func (s *Socket) Recv() (Packet, error) {
	if s.one == nil {
		s.one = s.NewReader(1)
	}
	ps, err := s.one.Read()
	if err != nil {
		return Packet{}, err
	}
	return ps[0], nil
}

// Close closes the socket; a blocked Recv or Read returns an error.
func (s *Socket) Close() error {
	s.closeEBPF()
	s.closeSender()
	return s.raw.Close()
}

func ipAddr(a netip.Addr) *net.IPAddr { return &net.IPAddr{IP: a.AsSlice(), Zone: a.Zone()} }
