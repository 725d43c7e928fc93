package vrrp

import (
	"net/netip"
	"testing"
)

func benchDecode(b *testing.B, msg []byte, src, dst netip.Addr) {
	var a Advert
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if _, err := a.Unmarshal(msg, src, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeV2(b *testing.B)     { benchDecode(b, unhex(b, hexV2), r1v4, GroupIPv4) }
func BenchmarkDecodeV3IPv4(b *testing.B) { benchDecode(b, unhex(b, hexV3), r1v4, GroupIPv4) }
func BenchmarkDecodeV3IPv6(b *testing.B) { benchDecode(b, unhex(b, hexV3v6), r1ll, GroupIPv6) }

// BenchmarkDecodeV3IPv4AsV2 measures the worst accepted case: a
// v3_checksum_as_v2 peer, whose checksum is tried second.
func BenchmarkDecodeV3IPv4AsV2(b *testing.B) {
	msg := fixCsum(unhex(b, hexV3), r1v4, GroupIPv4, false)
	benchDecode(b, msg, r1v4, GroupIPv4)
}

// BenchmarkDecodeV3IPv4Max is a full 255-address advert, the size bound.
func BenchmarkDecodeV3IPv4Max(b *testing.B) {
	a := Advert{Version: 3, VRID: 1, Priority: 100, Interval: 100}
	addrs := make([]netip.Addr, MaxAddrs)
	for i := range addrs {
		addrs[i] = netip.AddrFrom4([4]byte{198, 51, 100, byte(i)})
	}
	if err := a.SetAddrs(addrs); err != nil {
		b.Fatal(err)
	}
	msg, err := a.Marshal(r1v4, GroupIPv4, ChecksumDefault)
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, msg, r1v4, GroupIPv4)
}

func benchEncode(b *testing.B, a *Advert, src, dst netip.Addr) {
	buf := make([]byte, 0, a.Len())
	b.ReportAllocs()
	b.SetBytes(int64(a.Len()))
	for b.Loop() {
		var err error
		if buf, err = a.AppendTo(buf[:0], src, dst, ChecksumDefault); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeV2(b *testing.B) {
	benchEncode(b, advertWith(b, Advert{Version: 2, VRID: 51, Priority: 150, Interval: 1}, vip4), r1v4, GroupIPv4)
}

func BenchmarkEncodeV3IPv4(b *testing.B) {
	benchEncode(b, advertWith(b, Advert{Version: 3, VRID: 51, Priority: 150, Interval: 10}, vip4), r1v4, GroupIPv4)
}

func BenchmarkEncodeV3IPv6(b *testing.B) {
	benchEncode(b, advertWith(b, Advert{Version: 3, VRID: 52, Priority: 150, Interval: 100}, vip6), r1ll, GroupIPv6)
}

func BenchmarkCheckAdvert(b *testing.B) {
	c := baseRx(b)
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckAdvert(&c.in, &c.a, &c.f, netip.Addr{}); r != RxOK {
			b.Fatal(r)
		}
	}
}
