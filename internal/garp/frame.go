// Package garp announces virtual addresses to the segment: gratuitous ARP
// for IPv4 and unsolicited neighbour advertisements for IPv6, in exactly
// the form keepalived 2.2.7 sends (captured in testdata/), so that switches
// and hosts that accept keepalived's announcements accept ours.
//
// The two frames are fixed layouts written out byte by byte. A packet
// library would build the same bytes (frame_test.go checks it does), but
// gopacket/layers' package data is 5 MB that every govrrpd process, `-t`
// included, paged in and had the garbage collector scan.
package garp

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
)

var (
	broadcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	allNodesMAC  = net.HardwareAddr{0x33, 0x33, 0, 0, 0, 1}
	allNodes     = netip.MustParseAddr("ff02::1")
)

const (
	ethHeaderLen  = 14
	arpLen        = 28
	ipv6HeaderLen = 40
	// naLen is the ICMPv6 neighbour advertisement with one target
	// link-layer address option: type, code, checksum, flags and
	// reserved, target, option (type, length in 8-byte units, MAC).
	naLen = 4 + 4 + 16 + 8

	etherTypeARP  = 0x0806
	etherTypeIPv4 = 0x0800
	etherTypeIPv6 = 0x86dd
	protoICMPv6   = 58
	icmpv6NA      = 136
	optTargetLL   = 2
)

// Frame returns the Ethernet frame announcing ip from mac: an ARP request
// "who-has IP tell IP" to broadcast for IPv4, an unsolicited NA (Override
// set, Solicited and Router clear, target link-layer option) from the VIP
// to ff02::1 for IPv6. keepalived hands the kernel the bare frame and lets
// the NIC pad it to Ethernet's minimum, and so do we.
func Frame(mac net.HardwareAddr, ip netip.Addr) ([]byte, error) {
	if len(mac) != 6 {
		return nil, fmt.Errorf("garp: build frame: invalid src MAC: %v", mac)
	}
	if !ip.IsValid() {
		return nil, fmt.Errorf("garp: build frame: invalid address")
	}
	if ip.Is4() {
		return arpFrame(mac, ip), nil
	}
	return naFrame(mac, ip), nil
}

func ethHeader(b []byte, dst, src net.HardwareAddr, etherType uint16) {
	copy(b[0:6], dst)
	copy(b[6:12], src)
	binary.BigEndian.PutUint16(b[12:14], etherType)
}

func arpFrame(mac net.HardwareAddr, ip netip.Addr) []byte {
	b := make([]byte, ethHeaderLen+arpLen)
	ethHeader(b, broadcastMAC, mac, etherTypeARP)
	a := b[ethHeaderLen:]
	binary.BigEndian.PutUint16(a[0:2], 1) // hardware type Ethernet
	binary.BigEndian.PutUint16(a[2:4], etherTypeIPv4)
	a[4], a[5] = 6, 4
	binary.BigEndian.PutUint16(a[6:8], 1) // request
	v4 := ip.As4()
	copy(a[8:14], mac)
	copy(a[14:18], v4[:])
	copy(a[18:24], broadcastMAC)
	copy(a[24:28], v4[:])
	return b
}

func naFrame(mac net.HardwareAddr, ip netip.Addr) []byte {
	b := make([]byte, ethHeaderLen+ipv6HeaderLen+naLen)
	ethHeader(b, allNodesMAC, mac, etherTypeIPv6)
	h := b[ethHeaderLen : ethHeaderLen+ipv6HeaderLen]
	src, dst := ip.As16(), allNodes.As16()
	h[0] = 6 << 4
	binary.BigEndian.PutUint16(h[4:6], naLen)
	h[6], h[7] = protoICMPv6, 255
	copy(h[8:24], src[:])
	copy(h[24:40], dst[:])
	m := b[ethHeaderLen+ipv6HeaderLen:]
	m[0] = icmpv6NA
	m[4] = 0x20 // Override
	copy(m[8:24], src[:])
	m[24], m[25] = optTargetLL, 1
	copy(m[26:32], mac)
	binary.BigEndian.PutUint16(m[2:4], icmpv6Checksum(src, dst, m))
	return b
}

// icmpv6Checksum is RFC 4443's checksum over the IPv6 pseudo-header and
// the message (whose checksum field is zero).
func icmpv6Checksum(src, dst [16]byte, msg []byte) uint16 {
	var sum uint32
	add := func(b []byte) {
		for i := 0; i+1 < len(b); i += 2 {
			sum += uint32(b[i])<<8 | uint32(b[i+1])
		}
		if len(b)%2 == 1 {
			sum += uint32(b[len(b)-1]) << 8
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
