package garp

import (
	"encoding/binary"
	"net"
	"net/netip"
)

// The frames are built by hand: they are two fixed layouts, and the packet
// library they were built with before (gopacket) brought 5 MB of global
// tables into the daemon, which every garbage collection scanned and which
// the first one made resident (5.5 MB of an idle daemon's 26).

var (
	broadcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	allNodesMAC  = [6]byte{0x33, 0x33, 0, 0, 0, 1}
	allNodes     = netip.MustParseAddr("ff02::1")
)

const (
	etherARP    = 0x0806
	etherIPv6   = 0x86dd
	protoICMPv6 = 58
	icmpv6NA    = 136
	naOverride  = 0x20
	optTargetLL = 2
	naLen       = 4 + 4 + 16 + 8 // ICMPv6 header, flags, target, option
)

// Frame returns the Ethernet frame announcing ip from mac: an ARP request
// "who-has IP tell IP" to broadcast for IPv4, an unsolicited NA (Override
// set, Solicited and Router clear, target link-layer option) from the VIP
// to ff02::1 for IPv6.
func Frame(mac net.HardwareAddr, ip netip.Addr) ([]byte, error) {
	n, err := framesLen(mac, []netip.Addr{ip})
	if err != nil {
		return nil, err
	}
	return appendFrames(make([]byte, 0, n), mac, []netip.Addr{ip}), nil
}

// appendARP appends the 42-byte frame, unpadded: keepalived hands the
// kernel the bare frame and lets the NIC pad it to 60, and so do we.
func appendARP(b []byte, mac net.HardwareAddr, ip netip.Addr) []byte {
	b = ethernet(b, broadcastMAC, mac, etherARP)
	b = binary.BigEndian.AppendUint16(b, 1)      // hardware: Ethernet
	b = binary.BigEndian.AppendUint16(b, 0x0800) // protocol: IPv4
	b = append(b, 6, 4)                          // address sizes
	b = binary.BigEndian.AppendUint16(b, 1)      // request
	a := ip.As4()
	b = append(append(b, mac...), a[:]...)
	return append(append(b, broadcastMAC[:]...), a[:]...)
}

func appendNA(b []byte, mac net.HardwareAddr, ip netip.Addr) []byte {
	b = ethernet(b, allNodesMAC, mac, etherIPv6)
	b = binary.BigEndian.AppendUint32(b, 6<<28) // version, class 0, flow 0
	b = binary.BigEndian.AppendUint16(b, naLen)
	b = append(b, protoICMPv6, 255) // next header, hop limit
	src, dst := ip.As16(), allNodes.As16()
	b = append(append(b, src[:]...), dst[:]...)
	icmp := len(b)
	b = append(b, icmpv6NA, 0, 0, 0, naOverride, 0, 0, 0)
	b = append(b, src[:]...)
	b = append(append(b, optTargetLL, 1), mac...)
	binary.BigEndian.PutUint16(b[icmp+2:], icmpv6Checksum(src, dst, b[icmp:]))
	return b
}

func ethernet(b []byte, dst [6]byte, src net.HardwareAddr, typ uint16) []byte {
	b = append(append(b, dst[:]...), src...)
	return binary.BigEndian.AppendUint16(b, typ)
}

// icmpv6Checksum is RFC 4443's: the one's complement sum over the IPv6
// pseudo-header and the message (its checksum field zero).
func icmpv6Checksum(src, dst [16]byte, msg []byte) uint16 {
	var sum uint32
	add := func(p []byte) {
		for i := 0; i+1 < len(p); i += 2 {
			sum += uint32(p[i])<<8 | uint32(p[i+1])
		}
		if len(p)%2 == 1 {
			sum += uint32(p[len(p)-1]) << 8
		}
	}
	add(src[:])
	add(dst[:])
	sum += uint32(len(msg)) + protoICMPv6
	add(msg)
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}
