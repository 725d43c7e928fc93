package reliability

import (
	"encoding/binary"
	"net/netip"
)

// advert describes one VRRP advertisement the injector sends; the zero
// value of each override means "as a valid advert would have it".
type advert struct {
	Version  int // 2 or 3
	VRID     byte
	Priority byte
	Interval int // v2: seconds; v3: centiseconds
	VIPs     []netip.Addr
	AuthType byte   // v2 only
	AuthPass string // v2 PASS
	Src      netip.Addr
	TTL      byte

	// Malformations.
	VersionField byte // non-zero: the version nibble sent instead of Version
	TypeField    byte // non-zero: the type nibble sent instead of 1
	CountField   int  // >= 0 when set through withCount: the count byte sent
	countSet     bool
	BadChecksum  bool
	TruncateTo   int // >0: cut the VRRP part to this many bytes
	Pad          int // extra bytes after the VRRP part (oversized)
}

var vrrpGroup = netip.AddrFrom4([4]byte{224, 0, 0, 18})

func (a advert) withCount(n int) advert { a.CountField, a.countSet = n, true; return a }

// vrrpPart encodes the VRRP header, addresses and (v2) authentication.
func (a advert) vrrpPart() []byte {
	ver := byte(a.Version)
	if a.VersionField != 0 {
		ver = a.VersionField
	}
	typ := byte(1)
	if a.TypeField != 0 {
		typ = a.TypeField
	}
	count := len(a.VIPs)
	if a.countSet {
		count = a.CountField
	}
	b := []byte{ver<<4 | typ, a.VRID, a.Priority, byte(count)}
	if a.Version == 2 {
		b = append(b, a.AuthType, byte(a.Interval), 0, 0)
	} else {
		b = append(b, byte(a.Interval>>8)&0x0f, byte(a.Interval), 0, 0)
	}
	for _, v := range a.VIPs {
		b = append(b, v.AsSlice()...)
	}
	if a.Version == 2 {
		var auth [8]byte
		copy(auth[:], a.AuthPass)
		b = append(b, auth[:]...)
	}
	b = append(b, make([]byte, a.Pad)...)
	var sum uint16
	if a.Version == 3 {
		sum = checksum(pseudoHeader(a.Src, vrrpGroup, len(b)), b)
	} else {
		sum = checksum(nil, b)
	}
	if a.BadChecksum {
		sum ^= 0x5a5a
	}
	binary.BigEndian.PutUint16(b[6:], sum)
	if a.TruncateTo > 0 && a.TruncateTo < len(b) {
		b = b[:a.TruncateTo]
	}
	return b
}

// packet is the whole IPv4 datagram, as it goes on the wire.
func (a advert) packet() []byte {
	body := a.vrrpPart()
	ttl := a.TTL
	if ttl == 0 {
		ttl = 255
	}
	h := make([]byte, 20, 20+len(body))
	h[0], h[1] = 0x45, 0xc0
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(body)))
	h[8], h[9] = ttl, 112
	copy(h[12:16], a.Src.AsSlice())
	copy(h[16:20], vrrpGroup.AsSlice())
	binary.BigEndian.PutUint16(h[10:], checksum(nil, h))
	return append(h, body...)
}

func pseudoHeader(src, dst netip.Addr, n int) []byte {
	p := append(src.AsSlice(), dst.AsSlice()...)
	return append(p, 0, 112, byte(n>>8), byte(n))
}

// checksum is the Internet checksum of pre followed by b.
func checksum(pre, b []byte) uint16 {
	var s uint32
	for _, buf := range [][]byte{pre, b} {
		for i := 0; i+1 < len(buf); i += 2 {
			s += uint32(buf[i])<<8 | uint32(buf[i+1])
		}
		if len(buf)%2 == 1 {
			s += uint32(buf[len(buf)-1]) << 8
		}
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}
