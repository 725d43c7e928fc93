package vrrp

import (
	"net/netip"
	"testing"
)

func TestChecksumRFC1071(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want uint16
	}{
		// RFC 1071 §3 worked example: the sum is 0xddf2.
		{"rfc1071", []byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}, ^uint16(0xddf2)},
		{"odd length pads with zero", []byte{0x01, 0x02, 0x03}, ^uint16(0x0402)},
		{"carry wraps around", []byte{0xff, 0xff, 0x00, 0x01}, ^uint16(0x0001)},
		{"empty", nil, 0xffff},
	}
	for _, tc := range tests {
		if got := checksum(tc.b, netip.Addr{}, netip.Addr{}, false); got != tc.want {
			t.Errorf("%s: %#04x, want %#04x", tc.name, got, tc.want)
		}
	}
}

// TestPseudoHeader checks the pseudo-header sum field by field against a
// hand-built header in the layout RFC 5798 §5.2.8 refers to.
func TestPseudoHeader(t *testing.T) {
	msg := []byte{0x31, 0x01, 0x64, 0x00, 0x00, 0x64, 0x00, 0x00}
	v4 := append([]byte{192, 0, 2, 1, 224, 0, 0, 18, 0, ProtoVRRP, 0, byte(len(msg))}, msg...)
	if got, want := checksum(msg, netip.MustParseAddr("192.0.2.1"), GroupIPv4, true),
		checksum(v4, netip.Addr{}, netip.Addr{}, false); got != want {
		t.Errorf("IPv4 pseudo-header: %#04x, want %#04x", got, want)
	}
	src := netip.MustParseAddr("fe80::1")
	s, d := src.As16(), GroupIPv6.As16()
	v6 := append(append(append([]byte{}, s[:]...), d[:]...), 0, 0, 0, byte(len(msg)), 0, 0, 0, ProtoVRRP)
	v6 = append(v6, msg...)
	if got, want := checksum(msg, src, GroupIPv6, true), checksum(v6, netip.Addr{}, netip.Addr{}, false); got != want {
		t.Errorf("IPv6 pseudo-header: %#04x, want %#04x", got, want)
	}
}
