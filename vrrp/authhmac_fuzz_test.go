package vrrp

import (
	"bytes"
	"net/netip"
	"testing"
)

// FuzzAuthTrailer feeds outside bytes through the receive side of
// auth_hmac: trailer detection, decoding and verification must never
// panic, a decoded trailer re-encodes to the same bytes, and nothing but
// a correctly signed advert verifies.
func FuzzAuthTrailer(f *testing.F) {
	for _, c := range hmacCases() {
		a := &Advert{Version: c.version, VRID: 51, Priority: 100, Interval: 1}
		_ = a.SetAddrs([]netip.Addr{c.vip})
		s, err := NewHMACSigner(hmacConf(HMACEnforce, 1), 0)
		if err != nil {
			f.Fatal(err)
		}
		b, err := a.AppendSigned(nil, c.src, c.dst, ChecksumDefault, s, hmacNow)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, c.src.Is6(), !c.dst.IsMulticast())
	}
	f.Add(make([]byte, TrailerLen), false, false)
	f.Fuzz(func(t *testing.T, b []byte, v6, unicast bool) {
		if len(b) >= TrailerLen {
			tail := b[len(b)-TrailerLen:]
			if tr, err := DecodeTrailer(tail); err == nil {
				if got := tr.AppendTo(nil); !bytes.Equal(got, tail) {
					t.Fatalf("trailer re-encodes to %x, was %x", got, tail)
				}
			}
		}
		src, dst := fuzzAddrs(v6, unicast)
		var a Advert
		_, tr, err := a.UnmarshalAuth(b, src, dst)
		if err != nil || tr == nil {
			return
		}
		in := Instance{AdvertInt: 1e9, AuthHMAC: hmacConf(HMACEnforce, 1)}
		if unicast {
			in.OptsRef().UnicastPeers = []Peer{{Addr: src}}
		}
		v := NewHMACVerifier(&in)
		msg := b[:len(b)-len(tr)]
		r := v.Verify(hmacNow, src, msg, tr)
		if r != RxOK {
			return
		}
		// It verified: it must be exactly what a signer makes of it.
		var want [hmacTagLen]byte
		v.keys.tag(want[:], tr[1], src, msg, tr)
		if !bytes.Equal(want[:], tr[hmacTagOffset:]) {
			t.Fatalf("verified a trailer whose tag is not the advert's")
		}
		if v.Verify(hmacNow, src, msg, tr) != RxAuthExtReplay {
			t.Fatalf("the same advert verified twice")
		}
	})
}
