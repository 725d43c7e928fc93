package vrrpnet

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// A Socket's batches leave through a second protocol-112 socket of its
// own that nothing waits on: no runtime poller, no Mux. The socket Open
// makes sits in Go's poller, edge-triggered on write space too, and the
// kernel signals write space as each sent packet is freed: a master of
// 4,080 instances woke an idle thread blocked in epoll_pwait for every
// sendmmsg, about as many wake-ups again as its timer passes, to find
// nothing to do. keepalived sends from a socket of its own for the same
// reason it does not read its send socket.
//
// The send socket must not receive either: it joins no group and takes
// no other socket's multicast (IP_MULTICAST_ALL / IPV6_MULTICAST_ALL
// off, so the kernel does not even copy a group's adverts to it), and a
// filter that accepts nothing drops the unicast ones.

// openSender opens the send socket with the options the poller's socket
// sends with (setup): bound to the interface, TTL / hop limit 255,
// traffic class 0xc0, multicast out of the interface and not looped back.
// On IPv4 the batch writes the IP header itself (header4).
func (s *Socket) openSender() error {
	domain := unix.AF_INET
	if s.Family == 6 {
		domain = unix.AF_INET6
	}
	fd, err := unix.Socket(domain, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 112)
	if err != nil {
		return fmt.Errorf("send socket: %w", err)
	}
	if err := senderOptions(fd, s.Family, s.Iface.Index, s.Iface.Name); err != nil {
		unix.Close(fd)
		return fmt.Errorf("send socket: %w", err)
	}
	s.sendFD = fd
	return nil
}

// sockopt is one option of the send socket, named for the error.
type sockopt struct {
	name       string
	level, opt int
	val        int
}

func senderOptions(fd, family, ifindex int, ifname string) error {
	if err := unix.SetsockoptString(fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, ifname); err != nil {
		return fmt.Errorf("SO_BINDTODEVICE %s: %w", ifname, err)
	}
	opts := []sockopt{
		{"IP_HDRINCL", unix.IPPROTO_IP, unix.IP_HDRINCL, 1}, // TTL and TOS are in header4
		{"IP_MULTICAST_LOOP", unix.IPPROTO_IP, unix.IP_MULTICAST_LOOP, 0},
		{"IP_MULTICAST_ALL", unix.IPPROTO_IP, unix.IP_MULTICAST_ALL, 0},
	}
	if family == 6 {
		opts = []sockopt{
			{"IPV6_UNICAST_HOPS", unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS, 255},
			{"IPV6_MULTICAST_HOPS", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_HOPS, 255},
			{"IPV6_TCLASS", unix.IPPROTO_IPV6, unix.IPV6_TCLASS, 0xc0},
			{"IPV6_MULTICAST_LOOP", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_LOOP, 0},
			{"IPV6_MULTICAST_ALL", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_ALL, 0},
			{"IPV6_MULTICAST_IF", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, ifindex},
		}
	}
	for _, o := range opts {
		if err := unix.SetsockoptInt(fd, o.level, o.opt, o.val); err != nil {
			return fmt.Errorf("%s: %w", o.name, err)
		}
	}
	if family == 4 {
		if err := unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_IF,
			&unix.IPMreqn{Ifindex: int32(ifindex)}); err != nil {
			return fmt.Errorf("IP_MULTICAST_IF: %w", err)
		}
	}
	// One instruction: accept nothing.
	drop := []unix.SockFilter{{Code: unix.BPF_RET | unix.BPF_K, K: 0}}
	prog := unix.SockFprog{Len: uint16(len(drop)), Filter: &drop[0]}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog); err != nil {
		return fmt.Errorf("SO_ATTACH_FILTER: %w", err)
	}
	return nil
}

// closeSender closes the send socket once.
func (s *Socket) closeSender() {
	if s.sendFD >= 0 {
		unix.Close(s.sendFD)
		s.sendFD = -1
	}
}
