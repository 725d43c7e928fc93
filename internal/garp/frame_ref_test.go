package garp

import (
	"bytes"
	"math/rand"
	"net"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// refFrame builds the announcement with gopacket, the library Frame
// replaced: the hand-written layouts must agree with it on any address,
// not only on the two captured ones.
func refFrame(t *testing.T, mac net.HardwareAddr, ip netip.Addr) []byte {
	t.Helper()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	buf := gopacket.NewSerializeBuffer()
	if ip.Is4() {
		eth := &layers.Ethernet{SrcMAC: mac, DstMAC: broadcastMAC, EthernetType: layers.EthernetTypeARP}
		arp := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
			Operation: layers.ARPRequest, SourceHwAddress: mac, SourceProtAddress: ip.AsSlice(),
			DstHwAddress: broadcastMAC, DstProtAddress: ip.AsSlice()}
		if err := gopacket.SerializeLayers(buf, opts, eth, arp); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()[:42]
	}
	eth := &layers.Ethernet{SrcMAC: mac, DstMAC: allNodesMAC, EthernetType: layers.EthernetTypeIPv6}
	ip6 := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolICMPv6, HopLimit: 255,
		SrcIP: ip.AsSlice(), DstIP: allNodes.AsSlice()}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborAdvertisement, 0)}
	if err := icmp.SetNetworkLayerForChecksum(ip6); err != nil {
		t.Fatal(err)
	}
	na := &layers.ICMPv6NeighborAdvertisement{Flags: 0x20, TargetAddress: ip.AsSlice(),
		Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptTargetAddress, Data: mac}}}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip6, icmp, na); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFramesMatchGopacket(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		mac := make(net.HardwareAddr, 6)
		rng.Read(mac)
		var ip netip.Addr
		if i%2 == 0 {
			var a [4]byte
			rng.Read(a[:])
			ip = netip.AddrFrom4(a)
		} else {
			var a [16]byte
			rng.Read(a[:])
			ip = netip.AddrFrom16(a)
		}
		got, err := Frame(mac, ip)
		if err != nil {
			t.Fatal(err)
		}
		if want := refFrame(t, mac, ip); !bytes.Equal(got, want) {
			t.Fatalf("%s from %s:\n got %x\nwant %x", ip, mac, got, want)
		}
	}
}

// gopacket refused MACs that are not six bytes; so does Frame, rather than
// send a frame with a truncated or shifted address.
func TestFrameRejects(t *testing.T) {
	v4, v6 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")
	for _, mac := range []net.HardwareAddr{nil, {1, 2, 3}, make(net.HardwareAddr, 20)} {
		for _, ip := range []netip.Addr{v4, v6} {
			if f, err := Frame(mac, ip); err == nil {
				t.Errorf("Frame(%v, %s) = %x, want an error", mac, ip, f)
			}
		}
	}
	if f, err := Frame(net.HardwareAddr{2, 0, 0, 0, 0, 1}, netip.Addr{}); err == nil {
		t.Errorf("Frame of the zero address = %x, want an error", f)
	}
}
