package bfdsub

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"syscall"

	"github.com/govrrpd/govrrpd/bfd"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// OSNet is the kernel's UDP sockets.
type OSNet struct{}

type listener4 struct {
	c  net.PacketConn
	pc *ipv4.PacketConn
}

type listener6 struct {
	c  net.PacketConn
	pc *ipv6.PacketConn
}

// Listen binds UDP 3784 of one family on every address.
func (OSNet) Listen(v6 bool) (Listener, error) {
	if v6 {
		c, err := net.ListenPacket("udp6", fmt.Sprintf("[::]:%d", bfd.Port))
		if err != nil {
			return nil, fmt.Errorf("bfd: listen udp6 %d: %w", bfd.Port, err)
		}
		pc := ipv6.NewPacketConn(c)
		if err := pc.SetControlMessage(ipv6.FlagHopLimit|ipv6.FlagDst, true); err != nil {
			c.Close()
			return nil, fmt.Errorf("bfd: hop limit reporting: %w", err)
		}
		return listener6{c, pc}, nil
	}
	c, err := net.ListenPacket("udp4", fmt.Sprintf("0.0.0.0:%d", bfd.Port))
	if err != nil {
		return nil, fmt.Errorf("bfd: listen udp4 %d: %w", bfd.Port, err)
	}
	pc := ipv4.NewPacketConn(c)
	if err := pc.SetControlMessage(ipv4.FlagTTL|ipv4.FlagDst, true); err != nil {
		c.Close()
		return nil, fmt.Errorf("bfd: TTL reporting: %w", err)
	}
	return listener4{c, pc}, nil
}

func (l listener4) Read(buf []byte) (Datagram, error) {
	n, cm, src, err := l.pc.ReadFrom(buf)
	if err != nil {
		return Datagram{}, err
	}
	d := Datagram{From: addrPort(src), Payload: buf[:n]}
	if cm != nil {
		d.TTL = uint8(cm.TTL)
		d.To, _ = netip.AddrFromSlice(cm.Dst.To4())
	}
	return d, nil
}

func (l listener4) Close() error { return l.c.Close() }

func (l listener6) Read(buf []byte) (Datagram, error) {
	n, cm, src, err := l.pc.ReadFrom(buf)
	if err != nil {
		return Datagram{}, err
	}
	d := Datagram{From: addrPort(src), Payload: buf[:n]}
	if cm != nil {
		d.TTL = uint8(cm.HopLimit)
		d.To, _ = netip.AddrFromSlice(cm.Dst)
	}
	return d, nil
}

func (l listener6) Close() error { return l.c.Close() }

func addrPort(a net.Addr) netip.AddrPort {
	if u, ok := a.(*net.UDPAddr); ok {
		ap := u.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}

type sender struct{ c *net.UDPConn }

// Dial binds a random free source port of RFC 5881's range (a few tries)
// and sets the TTL every packet leaves with.
func (OSNet) Dial(src netip.Addr, dst netip.AddrPort, ttl uint8) (Sender, error) {
	network := "udp4"
	if dst.Addr().Is6() {
		network = "udp6"
	}
	var lastErr error
	for range 16 {
		port := bfd.MinSourcePort + rand.IntN(bfd.MaxSourcePort-bfd.MinSourcePort+1)
		la := &net.UDPAddr{IP: src.AsSlice(), Port: port}
		c, err := net.DialUDP(network, la, net.UDPAddrFromAddrPort(dst))
		if errors.Is(err, syscall.EADDRINUSE) {
			lastErr = err
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("bfd: socket to %s: %w", dst, err)
		}
		if dst.Addr().Is6() {
			err = ipv6.NewConn(c).SetHopLimit(int(ttl))
		} else {
			err = ipv4.NewConn(c).SetTTL(int(ttl))
		}
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("bfd: TTL %d to %s: %w", ttl, dst, err)
		}
		return sender{c}, nil
	}
	return nil, fmt.Errorf("bfd: no free source port to %s: %w", dst, lastErr)
}

// Send ignores the ICMP errors a connected socket reports for earlier
// packets (the neighbour not listening yet): BFD's timers judge the path.
func (s sender) Send(b []byte) error {
	_, err := s.c.Write(b)
	if errors.Is(err, syscall.ECONNREFUSED) {
		_, err = s.c.Write(b)
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil
		}
	}
	return err
}

func (s sender) Close() error { return s.c.Close() }
