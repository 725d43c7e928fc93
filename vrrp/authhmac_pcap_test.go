package vrrp

import (
	"bytes"
	"testing"
	"time"
)

// ka243-auth-hmac.pcap: keepalived 2.4.3 (built from the shared tarball)
// as master of three instances with auth_hmac, captured on its peer:
//
//	VRID 51 v2/IPv4 multicast, key 1 hex:000102…1f, active_key 1, enforce
//	VRID 52 v3/IPv4 unicast 192.0.2.1 → 192.0.2.2, key 7 "an ASCII key of
//	        at least thirty-two bytes", active_key 7, permissive
//	VRID 53 v3/IPv6 multicast from fe80::1, key 1, enforce
//
// five adverts each at 1 s, then the priority-0 adverts of its SIGTERM.
var ka243Keys = map[uint8]*AuthHMAC{
	51: {Keys: []HMACKey{{ID: 1, Secret: ka243Key1()}}, ActiveKey: 1},
	52: {Keys: []HMACKey{{ID: 7, Secret: HMACSecret("an ASCII key of at least thirty-two bytes")}}, ActiveKey: 7, Mode: HMACPermissive},
	53: {Keys: []HMACKey{{ID: 1, Secret: ka243Key1()}}, ActiveKey: 1},
}

func ka243Key1() HMACSecret {
	k := make(HMACSecret, 32)
	for i := range k {
		k[i] = byte(i)
	}
	return k
}

// Every advert keepalived 2.4.3 signed decodes (its IPv6 checksum covers
// the trailer), verifies at its capture time, has strictly growing
// sequences, fails when replayed, and re-signs to the same bytes: govrrpd
// builds the identical message, trailer and tag from the same fields.
func TestKeepalived243AuthHMACCapture(t *testing.T) {
	caps := readCaptures(t, "ka243-auth-hmac.pcap")
	if len(caps) < 15 {
		t.Fatalf("%d adverts in the capture", len(caps))
	}
	verifiers := map[uint8]*HMACVerifier{}
	seen := map[uint8]int{}
	for i, c := range caps {
		var a Advert
		form, tr, err := a.UnmarshalAuth(c.vrrp, c.facts.Src, c.facts.Dst)
		if err != nil {
			t.Fatalf("packet %d: %v", i+1, err)
		}
		if tr == nil {
			t.Fatalf("packet %d (VRID %d): no trailer", i+1, a.VRID)
		}
		conf := ka243Keys[a.VRID]
		v := verifiers[a.VRID]
		if v == nil {
			in := Instance{AdvertInt: time.Second, AuthHMAC: conf}
			if !c.facts.Dst.IsMulticast() {
				in.OptsRef().UnicastPeers = []Peer{{Addr: c.facts.Src}}
			}
			v = NewHMACVerifier(&in)
			verifiers[a.VRID] = v
		}
		msg := c.vrrp[:len(c.vrrp)-TrailerLen]
		if r := v.Verify(c.at, c.facts.Src, msg, tr); r != RxOK {
			t.Fatalf("packet %d (VRID %d): %s", i+1, a.VRID, r)
		}
		if r := v.Verify(c.at, c.facts.Src, msg, tr); r != RxAuthExtReplay {
			t.Errorf("packet %d replayed: %s", i+1, r)
		}
		seen[a.VRID]++
		resign(t, i+1, &a, c, conf, form, tr)
	}
	for vrid := range ka243Keys {
		if seen[vrid] < 5 {
			t.Errorf("VRID %d: %d adverts", vrid, seen[vrid])
		}
	}
}

// resign signs the decoded advert again with the captured sequence and
// compares the bytes.
func resign(t *testing.T, n int, a *Advert, c capture, conf *AuthHMAC, form ChecksumForm, tr []byte) {
	t.Helper()
	got, err := DecodeTrailer(tr)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewHMACSigner(conf, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s.last = got.Seq - 1
	if form == ChecksumPlain && a.Version == 2 {
		form = ChecksumDefault
	}
	// The clock at the sequence's whole second: next() counts on from
	// the last sequence instead.
	b, err := a.AppendSigned(nil, c.facts.Src, c.facts.Dst, form, s, time.Unix(int64(got.Seconds()), 0))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, c.vrrp) {
		t.Errorf("packet %d (VRID %d) re-signed:\n got  %x\n want %x", n, a.VRID, b, c.vrrp)
	}
}

// The trailer's timestamp is the capture's wall clock (within the window
// keepalived and govrrpd both enforce).
func TestKeepalived243TrailerClock(t *testing.T) {
	for _, c := range readCaptures(t, "ka243-auth-hmac.pcap") {
		var a Advert
		_, tr, err := a.UnmarshalAuth(c.vrrp, c.facts.Src, c.facts.Dst)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := DecodeTrailer(tr)
		if d := c.at.Unix() - int64(got.Seconds()); d < -1 || d > 1 {
			t.Errorf("VRID %d: trailer time %d, captured at %d", a.VRID, got.Seconds(), c.at.Unix())
		}
	}
}
