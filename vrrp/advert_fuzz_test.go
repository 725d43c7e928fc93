package vrrp

import (
	"bytes"
	"net/netip"
	"testing"
	"time"
)

// fuzzAddrs picks the IP addresses a fuzzed message arrives with.
func fuzzAddrs(v6, unicast bool) (src, dst netip.Addr) {
	switch {
	case v6 && unicast:
		return r1ll, netip.MustParseAddr("fe80::2")
	case v6:
		return r1ll, GroupIPv6
	case unicast:
		return r1v4, r2v4
	}
	return r1v4, GroupIPv4
}

// fuzzFix gives a fuzzed message a valid checksum when asked, so the fuzzer
// reaches the field checks instead of stopping at the checksum nearly always.
func fuzzFix(b []byte, src, dst netip.Addr, fix, plain bool) []byte {
	if !fix || len(b) < headerLen {
		return b
	}
	b = bytes.Clone(b)
	pseudo := b[0]>>4 == 3 && (src.Is6() || !plain)
	return fixCsum(b, src, dst, pseudo)
}

func addSeeds(f *testing.F) {
	for _, s := range []string{hexV2, hexV3, hexV3v6} {
		b := unhex(f, s)
		f.Add(b, s == hexV3v6, false, false, false)
		f.Add(b, s == hexV3v6, true, true, false)
		f.Add(b, false, false, true, true)
	}
	f.Add([]byte{}, false, false, false, false)
	f.Add([]byte{0x21, 1, 1, 0, 1, 1, 0, 0, 'p', 'a', 's', 's', 0, 0, 0, 0}, false, false, true, false)
}

// FuzzAdvert: any message that decodes re-encodes to the same bytes (the
// checksum may flip between the two encodings of one's-complement zero) and
// decodes again to the same advert; any that fails maps to a drop reason.
func FuzzAdvert(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte, v6, unicast, fix, plain bool) {
		src, dst := fuzzAddrs(v6, unicast)
		b = fuzzFix(b, src, dst, fix, plain)
		var a Advert
		form, err := a.Unmarshal(b, src, dst)
		if err != nil {
			if DecodeReason(err) == RxOK {
				t.Fatalf("error %v maps to ok", err)
			}
			return
		}
		if a.Len() != len(b) {
			t.Fatalf("Len %d, message %d bytes", a.Len(), len(b))
		}
		enc, err := a.Marshal(src, dst, form)
		if err != nil {
			t.Fatalf("decoded advert %+v does not encode: %v", a, err)
		}
		if !bytes.Equal(enc[:csumOffset], b[:csumOffset]) || !bytes.Equal(enc[headerLen:], b[headerLen:]) {
			t.Fatalf("re-encoded % x\noriginal    % x", enc, b)
		}
		var again Advert
		form2, err := again.Unmarshal(enc, src, dst)
		if err != nil || !again.Equal(&a) {
			t.Fatalf("second decode %+v (%v), first %+v", again, err, a)
		}
		if form2 != form {
			t.Fatalf("form %v after re-encode, %v before", form2, form)
		}
	})
}

// fuzzInstance builds an instance from fuzz bits, covering every setting
// the receive check reads.
func fuzzInstance(flags uint16, vrid, prio, ival uint8, v6 bool) Instance {
	bit := func(n uint) bool { return flags&(1<<n) != 0 }
	in := Instance{VRID: vrid, Priority: prio, Version: 2, Family: IPv4,
		CheckUnicastSrc: bit(2), SkipCheckAdvAddr: bit(3), OwnerIgnoreAdverts: bit(4)}
	in.AdvertInt = time.Duration(ival) * time.Second
	if bit(0) {
		in.Version = 3
		in.AdvertInt = time.Duration(ival) * centisecond
	}
	vip := vip4
	if v6 {
		in.Family, vip = IPv6, vip6
	}
	in.VIPs = []Address{{Prefix: netip.PrefixFrom(vip, vip.BitLen())}}
	if bit(1) {
		peer, _ := fuzzAddrs(v6, true)
		in.OptsRef().UnicastPeers = []Peer{{Addr: peer, MinTTL: int(flags>>8) & 0x0f, MaxTTL: int(flags >> 12)}}
	}
	if bit(5) {
		in.Auth = Auth{Type: AuthPass, Pass: "secret12"}
	}
	if bit(6) {
		in.Auth.Type = AuthAH
	}
	return in
}

// FuzzCheckAdvert: the receive check never panics, and whatever it accepts
// satisfies the rules it exists to enforce.
func FuzzCheckAdvert(f *testing.F) {
	for _, s := range []string{hexV2, hexV3, hexV3v6} {
		f.Add(unhex(f, s), s == hexV3v6, false, uint8(255), uint16(0), uint8(51), uint8(100), uint8(1), 0)
		f.Add(unhex(f, s), s == hexV3v6, true, uint8(64), uint16(0x0f0b), uint8(51), uint8(255), uint8(10), 6)
	}
	f.Fuzz(func(t *testing.T, b []byte, v6, unicast bool, ttl uint8, flags uint16, vrid, prio, ival uint8, pad int) {
		src, dst := fuzzAddrs(v6, unicast)
		b = fuzzFix(b, src, dst, true, false)
		in := fuzzInstance(flags, vrid, prio, ival, v6)
		var a Advert
		if _, err := a.Unmarshal(b, src, dst); err != nil {
			a = Advert{} // the check must survive an advert that never decoded
		}
		fc := RxFacts{Src: src, Dst: dst, TTL: ttl, HeaderLen: 20, TotalLen: 20 + len(b), RxLen: 20 + len(b) + pad}
		last := netip.Addr{}
		if flags&(1<<7) != 0 {
			last = src
		}
		if CheckAdvert(&in, &a, &fc, last) != RxOK {
			return
		}
		switch {
		case a.VRID != in.VRID || int(a.Version) != instanceVersion(&in):
			t.Fatalf("accepted VRID %d v%d for instance %d v%d", a.VRID, a.Version, in.VRID, in.Version)
		case dst.IsMulticast() && ttl != 255:
			t.Fatalf("accepted multicast with TTL %d", ttl)
		case dst.IsMulticast() == (len(in.Options().UnicastPeers) > 0):
			t.Fatal("accepted advert in the wrong mode")
		case a.Version == 2 && (a.AuthType != in.Auth.Type || int(a.Interval) != int(ival)):
			t.Fatalf("accepted v2 auth %d interval %d", a.AuthType, a.Interval)
		case in.OwnerIgnoreAdverts && in.Priority == 255:
			t.Fatal("owner accepted an advert")
		case !(in.SkipCheckAdvAddr && last == src) && !vipsMatch(&in, &a):
			t.Fatalf("accepted address list %v", a.Addrs())
		}
	})
}
