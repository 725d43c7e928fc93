package garp

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

var (
	broadcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	allNodesMAC  = net.HardwareAddr{0x33, 0x33, 0, 0, 0, 1}
	allNodes     = netip.MustParseAddr("ff02::1")
)

// Frame returns the Ethernet frame announcing ip from mac: an ARP request
// "who-has IP tell IP" to broadcast for IPv4, an unsolicited NA (Override
// set, Solicited and Router clear, target link-layer option) from the VIP
// to ff02::1 for IPv6.
func Frame(mac net.HardwareAddr, ip netip.Addr) ([]byte, error) {
	if len(mac) != 6 {
		return nil, fmt.Errorf("garp: MAC %v is not 6 bytes", mac)
	}
	if !ip.IsValid() {
		return nil, fmt.Errorf("garp: no address to announce")
	}
	if ip.Is4() {
		return arpFrame(mac, ip)
	}
	return naFrame(mac, ip)
}

func arpFrame(mac net.HardwareAddr, ip netip.Addr) ([]byte, error) {
	eth := &layers.Ethernet{SrcMAC: mac, DstMAC: broadcastMAC, EthernetType: layers.EthernetTypeARP}
	arp := &layers.ARP{
		AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: layers.ARPRequest,
		SourceHwAddress: mac, SourceProtAddress: ip.AsSlice(),
		DstHwAddress: broadcastMAC, DstProtAddress: ip.AsSlice(),
	}
	b, err := serialize(eth, arp)
	if err != nil {
		return nil, err
	}
	// gopacket pads Ethernet to the 60-byte minimum; keepalived hands the
	// kernel the bare 42 bytes and lets the NIC pad, and so do we.
	return b[:14+28], nil
}

func naFrame(mac net.HardwareAddr, ip netip.Addr) ([]byte, error) {
	eth := &layers.Ethernet{SrcMAC: mac, DstMAC: allNodesMAC, EthernetType: layers.EthernetTypeIPv6}
	ip6 := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolICMPv6, HopLimit: 255,
		SrcIP: ip.AsSlice(), DstIP: allNodes.AsSlice()}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborAdvertisement, 0)}
	if err := icmp.SetNetworkLayerForChecksum(ip6); err != nil {
		return nil, err
	}
	na := &layers.ICMPv6NeighborAdvertisement{
		Flags: 0x20, TargetAddress: ip.AsSlice(),
		Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptTargetAddress, Data: mac}},
	}
	return serialize(eth, ip6, icmp, na)
}

func serialize(ls ...gopacket.SerializableLayer) ([]byte, error) {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		return nil, fmt.Errorf("garp: build frame: %w", err)
	}
	return append([]byte(nil), buf.Bytes()...), nil
}
