package vrrp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"
)

var (
	hmacKey1 = HMACSecret(bytes.Repeat([]byte{0x11}, 32))
	hmacKey2 = HMACSecret("an ASCII key of at least thirty-two bytes")
	hmacNow  = time.Date(2026, 12, 6, 6, 0, 0, 0, time.UTC)
)

func hmacConf(mode HMACMode, active uint8) *AuthHMAC {
	return &AuthHMAC{Keys: []HMACKey{{ID: 1, Secret: hmacKey1}, {ID: 2, Secret: hmacKey2}},
		ActiveKey: active, Mode: mode}
}

type hmacCase struct {
	name     string
	version  uint8
	src, dst netip.Addr
	vip      netip.Addr
}

func hmacCases() []hmacCase {
	v4s, v4d := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("224.0.0.18")
	v6s, v6d := netip.MustParseAddr("fe80::1"), netip.MustParseAddr("ff02::12")
	return []hmacCase{
		{"v2-ipv4-mcast", 2, v4s, v4d, netip.MustParseAddr("192.0.2.100")},
		{"v3-ipv4-mcast", 3, v4s, v4d, netip.MustParseAddr("192.0.2.100")},
		{"v3-ipv4-unicast", 3, v4s, netip.MustParseAddr("192.0.2.2"), netip.MustParseAddr("192.0.2.100")},
		{"v3-ipv6-mcast", 3, v6s, v6d, netip.MustParseAddr("2001:db8::100")},
		{"v3-ipv6-unicast", 3, v6s, netip.MustParseAddr("fe80::2"), netip.MustParseAddr("2001:db8::100")},
	}
}

// hmacPair is a signing sender and a verifying receiver of one case.
func hmacPair(t *testing.T, c hmacCase, sendMode, rxMode HMACMode) (*Advert, *HMACSigner, *HMACVerifier) {
	t.Helper()
	a := &Advert{Version: c.version, VRID: 51, Priority: 100, Interval: 1}
	if c.version == 3 {
		a.Interval = 100
	}
	if err := a.SetAddrs([]netip.Addr{c.vip}); err != nil {
		t.Fatal(err)
	}
	s, err := NewHMACSigner(hmacConf(sendMode, 1), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	in := Instance{AdvertInt: time.Second, AuthHMAC: hmacConf(rxMode, 2)}
	if !c.dst.IsMulticast() {
		in.OptsRef().UnicastPeers = []Peer{{Addr: c.src}}
	}
	return a, s, NewHMACVerifier(&in)
}

func signAt(t *testing.T, a *Advert, c hmacCase, s *HMACSigner, now time.Time) []byte {
	t.Helper()
	b, err := a.AppendSigned(nil, c.src, c.dst, ChecksumDefault, s, now)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rx decodes and verifies like the daemon: checksum first, then the tag.
func rx(t *testing.T, v *HMACVerifier, c hmacCase, b []byte, now time.Time) RxReason {
	t.Helper()
	var got Advert
	_, tr, err := got.UnmarshalAuth(b, c.src, c.dst)
	if err != nil {
		return DecodeReason(err)
	}
	return v.Verify(now, c.src, b[:len(b)-len(tr)], tr)
}

// Signed adverts decode (checksum included: the IPv6 one covers the
// trailer) and verify in every version, family and addressing, and a
// replay of any of them is rejected.
func TestHMACRoundTrip(t *testing.T) {
	for _, c := range hmacCases() {
		t.Run(c.name, func(t *testing.T) {
			a, s, v := hmacPair(t, c, HMACEnforce, HMACEnforce)
			first := signAt(t, a, c, s, hmacNow)
			if len(first) != a.Len()+TrailerLen {
				t.Fatalf("signed length %d, want %d", len(first), a.Len()+TrailerLen)
			}
			if r := rx(t, v, c, first, hmacNow); r != RxOK {
				t.Fatalf("first advert: %s", r)
			}
			second := signAt(t, a, c, s, hmacNow) // same clock: the counter moves
			if r := rx(t, v, c, second, hmacNow.Add(time.Millisecond)); r != RxOK {
				t.Fatalf("second advert: %s", r)
			}
			for _, old := range [][]byte{first, second} {
				if r := rx(t, v, c, old, hmacNow.Add(time.Second)); r != RxAuthExtReplay {
					t.Errorf("replayed advert: %s, want %s", r, RxAuthExtReplay)
				}
			}
		})
	}
}

// Every field the tag binds changes the verdict when altered.
func TestHMACTamper(t *testing.T) {
	c := hmacCases()[1]
	cases := []struct {
		name string
		edit func(b []byte, c *hmacCase)
		want RxReason
	}{
		{"priority", func(b []byte, _ *hmacCase) { b[2] = 200; fixV4Checksum(b, c) }, RxAuthExtBadHMAC},
		{"vip", func(b []byte, _ *hmacCase) { b[11] ^= 1; fixV4Checksum(b, c) }, RxAuthExtBadHMAC},
		{"sequence", func(b []byte, _ *hmacCase) { b[len(b)-13] ^= 1 }, RxAuthExtBadHMAC},
		{"tag", func(b []byte, _ *hmacCase) { b[len(b)-1] ^= 1 }, RxAuthExtBadHMAC},
		{"source", func(_ []byte, c *hmacCase) { c.src = netip.MustParseAddr("192.0.2.9") }, RxAuthExtBadHMAC},
		{"key-id", func(b []byte, _ *hmacCase) { b[len(b)-TrailerLen+1] = 9 }, RxAuthExtUnknownKey},
		{"scheme", func(b []byte, _ *hmacCase) { b[len(b)-TrailerLen] = 2 }, RxAuthExtMalformed},
		{"reserved", func(b []byte, _ *hmacCase) { b[len(b)-TrailerLen+3] = 1 }, RxAuthExtMalformed},
	}
	for _, tc := range cases {
		a, s, v := hmacPair(t, c, HMACEnforce, HMACEnforce)
		b := signAt(t, a, c, s, hmacNow)
		cc := c
		tc.edit(b, &cc)
		if !cc.dst.IsMulticast() || cc.src != c.src {
			// the checksum covers the source; recompute it for the forged one
			fixV4Checksum(b, cc)
		}
		if r := rx(t, v, cc, b, hmacNow); r != tc.want {
			t.Errorf("%s altered: %s, want %s", tc.name, r, tc.want)
		}
	}
}

// fixV4Checksum recomputes a v3/IPv4 checksum over the message without
// its trailer, so tampering reaches the tag check.
func fixV4Checksum(b []byte, c hmacCase) {
	msg := b[:len(b)-TrailerLen]
	msg[csumOffset], msg[csumOffset+1] = 0, 0
	s := checksum(msg, c.src, c.dst, c.version == 3)
	msg[csumOffset], msg[csumOffset+1] = byte(s>>8), byte(s)
}

// Rollout modes: what is sent, and what an unsigned advert meets.
func TestHMACModes(t *testing.T) {
	c := hmacCases()[1]
	unsigned := func() []byte {
		a, _, _ := hmacPair(t, c, HMACEnforce, HMACEnforce)
		b, err := a.AppendTo(nil, c.src, c.dst, ChecksumDefault)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, m := range []struct {
		mode       HMACMode
		signs      bool
		onUnsigned RxReason
	}{
		{HMACReceiveOnly, false, RxOK},
		{HMACPermissive, true, RxOK},
		{HMACEnforce, true, RxAuthExtMissing},
	} {
		s, err := NewHMACSigner(hmacConf(m.mode, 1), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if (s != nil) != m.signs {
			t.Errorf("%s: signer %v, want signing %v", m.mode, s != nil, m.signs)
		}
		_, _, v := hmacPair(t, c, HMACEnforce, m.mode)
		if r := rx(t, v, c, unsigned(), hmacNow); r != m.onUnsigned {
			t.Errorf("%s: unsigned advert %s, want %s", m.mode, r, m.onUnsigned)
		}
		a, signer, _ := hmacPair(t, c, HMACEnforce, m.mode)
		bad := signAt(t, a, c, signer, hmacNow)
		bad[len(bad)-1] ^= 1
		if r := rx(t, v, c, bad, hmacNow); r != RxAuthExtBadHMAC {
			t.Errorf("%s: a bad trailer is %s: a present trailer is always verified", m.mode, r)
		}
	}
}

// Key rotation: receivers holding both keys accept either while the
// senders move active_key one by one.
func TestHMACKeyRotation(t *testing.T) {
	c := hmacCases()[3]
	_, _, v := hmacPair(t, c, HMACEnforce, HMACEnforce)
	now := hmacNow
	for _, active := range []uint8{1, 2, 1} {
		a, _, _ := hmacPair(t, c, HMACEnforce, HMACEnforce)
		s, err := NewHMACSigner(hmacConf(HMACEnforce, active), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Second)
		if r := rx(t, v, c, signAt(t, a, c, s, now), now); r != RxOK {
			t.Errorf("active key %d: %s", active, r)
		}
	}
	if _, err := NewHMACSigner(hmacConf(HMACEnforce, 7), time.Second); err == nil {
		t.Error("a signer with an undefined active key was built")
	}
}

// Time mode rejects timestamps outside the window (before hashing) and
// monotonic mode only asks for growth.
func TestHMACFreshness(t *testing.T) {
	c := hmacCases()[0]
	for _, tc := range []struct {
		skew      time.Duration
		monotonic bool
		want      RxReason
	}{
		{5 * time.Second, false, RxOK},
		{-5 * time.Second, false, RxOK},
		{6 * time.Second, false, RxAuthExtStale},
		{-6 * time.Second, false, RxAuthExtStale},
		{time.Hour, true, RxOK},
	} {
		a, s, _ := hmacPair(t, c, HMACEnforce, HMACEnforce)
		in := Instance{AdvertInt: time.Second, AuthHMAC: hmacConf(HMACEnforce, 1)}
		in.AuthHMAC.Monotonic = tc.monotonic
		v := NewHMACVerifier(&in)
		if r := rx(t, v, c, signAt(t, a, c, s, hmacNow.Add(tc.skew)), hmacNow); r != tc.want {
			t.Errorf("sender clock %+v (monotonic %v): %s, want %s", tc.skew, tc.monotonic, r, tc.want)
		}
	}
}

// The sequence grows strictly whatever the clock does, and restarts from
// the clock once a step back leaves it beyond the window.
func TestHMACSequence(t *testing.T) {
	s, err := NewHMACSigner(hmacConf(HMACEnforce, 1), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	a := s.next(hmacNow)
	if a != uint64(hmacNow.Unix())<<32 {
		t.Fatalf("sequence at a whole second: %#x", a)
	}
	b := s.next(hmacNow)
	c := s.next(hmacNow.Add(-2 * time.Second)) // within the 5 s window: keep growing
	if b != a+1 || c != a+2 {
		t.Errorf("same/earlier clock: %#x %#x after %#x", b, c, a)
	}
	d := s.next(hmacNow.Add(-time.Minute))
	if d != clockSeq(hmacNow.Add(-time.Minute)) {
		t.Errorf("clock stepped back a minute: %#x, want the clock's %#x", d, clockSeq(hmacNow.Add(-time.Minute)))
	}
	half := s.next(hmacNow.Add(500 * time.Millisecond))
	if half&0xffff0000 != 0x80000000 {
		t.Errorf("half a second: fraction %#x", half&0xffffffff)
	}
}

// Multicast replay state keeps the last four senders; a fifth evicts the
// least recently used, whose old adverts then pass once (as keepalived's).
func TestHMACMulticastSenders(t *testing.T) {
	in := Instance{AdvertInt: time.Second, AuthHMAC: hmacConf(HMACEnforce, 1)}
	v := NewHMACVerifier(&in)
	for i := range 5 {
		v.mcastState(netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}))
	}
	n := 0
	for _, s := range v.mcast {
		if s.addr == netip.AddrFrom4([4]byte{192, 0, 2, 0}) {
			n++
		}
	}
	if n != 0 {
		t.Error("the least recently used sender was not evicted")
	}
}

// A trailer on an instance without auth_hmac, or an unknown sender under
// unicast, never verifies.
func TestHMACUnicastUnknownSender(t *testing.T) {
	c := hmacCases()[2]
	a, s, v := hmacPair(t, c, HMACEnforce, HMACEnforce)
	b := signAt(t, a, c, s, hmacNow)
	if r := v.Verify(hmacNow, netip.MustParseAddr("192.0.2.77"), b[:len(b)-TrailerLen], b[len(b)-TrailerLen:]); r != RxUnicastSrc {
		t.Errorf("unicast advert from a non-peer: %s", r)
	}
}

// Keys never show in fmt, slog or JSON output.
func TestHMACSecretMasked(t *testing.T) {
	c := hmacConf(HMACEnforce, 1)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("cfg", "key", c.Keys[1].Secret, "conf", c)
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprintf("%v %+v %#v %s %x %q", c, c, c, c.Keys[1].Secret, c.Keys[1].Secret, c.Keys[1].Secret),
		logged.String(), string(js)} {
		if strings.Contains(out, "thirty-two") || strings.Contains(out, "1111111111") || strings.Contains(out, "616e20") {
			t.Errorf("key material in output: %s", out)
		}
	}
}

// A reload rebuilding signer and verifier keeps the sequence growing and
// the replay marks, so an advert captured before it stays rejected.
func TestHMACResume(t *testing.T) {
	for _, c := range []hmacCase{hmacCases()[1], hmacCases()[2]} {
		a, s, v := hmacPair(t, c, HMACEnforce, HMACEnforce)
		for range 3 {
			s.next(hmacNow)
		}
		old := signAt(t, a, c, s, hmacNow)
		if r := rx(t, v, c, old, hmacNow); r != RxOK {
			t.Fatal(r)
		}
		_, s2, v2 := hmacPair(t, c, HMACEnforce, HMACEnforce)
		s2.Resume(s)
		v2.Resume(v)
		if r := rx(t, v2, c, old, hmacNow); r != RxAuthExtReplay {
			t.Errorf("%s: advert from before the reload: %s", c.name, r)
		}
		if r := rx(t, v2, c, signAt(t, a, c, s2, hmacNow), hmacNow); r != RxOK {
			t.Errorf("%s: first advert after the reload: %s", c.name, r)
		}
	}
}
