package lab

import (
	"encoding/binary"
	"errors"
)

// The outage meter speaks ICMP echo itself rather than running ping(8):
// ping spaces its probes ~16 ms apart at "-i 0.01" on these machines
// (notes/lab.md), too coarse to tell a 36 ms takeover from a 50 ms one.

const (
	icmpEchoRequest = 8
	icmpEchoReply   = 0
)

// encodeEcho builds an ICMP echo request (type 8) with id, seq and payload.
func encodeEcho(id, seq uint16, payload []byte) []byte {
	b := make([]byte, 8+len(payload))
	b[0] = icmpEchoRequest
	binary.BigEndian.PutUint16(b[4:], id)
	binary.BigEndian.PutUint16(b[6:], seq)
	copy(b[8:], payload)
	binary.BigEndian.PutUint16(b[2:], inetChecksum(b))
	return b
}

func inetChecksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

var errNotEchoReply = errors.New("not an ICMP echo reply")

// parseEchoReply reads what a raw IPv4 ICMP socket returns (IP header
// included) and yields the echo reply's source, id and seq. Anything else
// on the socket (our own requests on loopback, ARP-triggered unreachables)
// is errNotEchoReply, so the meter can skip it.
func parseEchoReply(pkt []byte) (src [4]byte, id, seq uint16, err error) {
	if len(pkt) < 20 || pkt[0]>>4 != 4 {
		return src, 0, 0, errors.New("short or non-IPv4 packet")
	}
	ihl := int(pkt[0]&0x0f) * 4
	if ihl < 20 || len(pkt) < ihl+8 {
		return src, 0, 0, errors.New("truncated IPv4/ICMP header")
	}
	if pkt[9] != 1 {
		return src, 0, 0, errNotEchoReply
	}
	icmp := pkt[ihl:]
	if total := int(binary.BigEndian.Uint16(pkt[2:])); total >= ihl+8 && total <= len(pkt) {
		icmp = pkt[ihl:total]
	}
	if icmp[0] != icmpEchoReply || icmp[1] != 0 {
		return src, 0, 0, errNotEchoReply
	}
	if inetChecksum(icmp) != 0 {
		return src, 0, 0, errors.New("bad ICMP checksum")
	}
	copy(src[:], pkt[12:16])
	return src, binary.BigEndian.Uint16(icmp[4:]), binary.BigEndian.Uint16(icmp[6:]), nil
}
