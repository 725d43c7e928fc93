package vrrp

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=ChecksumForm -output=checksum_string.go

import "net/netip"

// ProtoVRRP is the IP protocol / IPv6 next-header number of VRRP. It appears
// in the v3 pseudo-header, so the checksum code needs it.
const ProtoVRRP = 112

// ChecksumForm names the way an advert's checksum was (or is to be) computed.
// VRRPv3 over IPv4 has three forms in the wild, and the daemon counts which
// one each peer uses, so decoding reports the form instead of a bare "ok".
type ChecksumForm uint8

const (
	// ChecksumDefault asks the encoder for the protocol's usual form: plain
	// for v2, pseudo-header for v3 (keepalived's default for v3/IPv4).
	ChecksumDefault ChecksumForm = iota // default
	// ChecksumPlain covers the VRRP message only: always for v2, and for
	// v3/IPv4 under v3_checksum_as_v2 (the RFC 9568 / Cisco reading).
	ChecksumPlain // plain
	// ChecksumPseudo adds the RFC 5798 pseudo-header (src, dst, protocol,
	// length) to the sum. IPv6 only knows this form.
	ChecksumPseudo // pseudo-header
	// ChecksumOldUnicast is the pseudo-header form with the multicast group
	// in place of the unicast destination: what keepalived before 1.3.6 sent
	// for v3/IPv4 unicast, and what its old_unicast_checksum option keeps.
	ChecksumOldUnicast // old-unicast
)

// sum16 adds b to the running one's-complement sum s (RFC 1071), keeping
// carries in the upper half so callers can chain pieces without folding.
// An odd trailing byte is padded with zero, as RFC 1071 requires.
func sum16(s uint32, b []byte) uint32 {
	for len(b) >= 2 {
		s += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

// fold reduces a running sum to 16 bits with end-around carry.
func fold(s uint32) uint16 {
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// pseudoSum is the sum of the pseudo-header RFC 5798 §5.2.8 prescribes:
// RFC 768 style for IPv4, RFC 8200 §8.1 style for IPv6. The two layouts
// only differ in field widths, which do not change a one's-complement sum,
// so one function serves both.
func pseudoSum(src, dst netip.Addr, length int) uint32 {
	var s uint32
	if src.Is4() {
		a, b := src.As4(), dst.As4()
		s = sum16(sum16(0, a[:]), b[:])
	} else {
		a, b := src.As16(), dst.As16()
		s = sum16(sum16(0, a[:]), b[:])
	}
	s += uint32(length>>16) + uint32(length&0xffff)
	return s + ProtoVRRP
}

// checksum computes the checksum of msg (whose checksum field must already be
// zero, or hold the received value when verifying) with an optional
// pseudo-header. When verifying, a correct packet yields 0.
func checksum(msg []byte, src, dst netip.Addr, pseudo bool) uint16 {
	var s uint32
	if pseudo {
		s = pseudoSum(src, dst, len(msg))
	}
	return ^fold(sum16(s, msg))
}
