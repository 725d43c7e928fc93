package vrrp

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// The captured keepalived adverts (see testdata/pcaps), as hex, to mutate.
const (
	hexV2   = "21339601000186 01c00002c80000000000000000"
	hexV3   = "313396010 00ad35dc00002c8"
	hexV3v6 = "3134960100644941 20010db8000000000000000000000200"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// fixCsum rewrites the checksum of b so a mutation is seen by the check it
// targets rather than by the checksum.
func fixCsum(b []byte, src, dst netip.Addr, pseudo bool) []byte {
	b[6], b[7] = 0, 0
	binary.BigEndian.PutUint16(b[6:], checksum(b, src, dst, pseudo))
	return b
}

func TestUnmarshalErrors(t *testing.T) {
	v2 := func(f func(b []byte) []byte) []byte {
		return fixCsum(f(unhex(t, hexV2)), r1v4, GroupIPv4, false)
	}
	v3 := func(f func(b []byte) []byte) []byte {
		return fixCsum(f(unhex(t, hexV3)), r1v4, GroupIPv4, true)
	}
	same := func(b []byte) []byte { return b }
	ipv6 := netip.MustParseAddr("2001:db8::1")
	tests := []struct {
		name     string
		b        []byte
		src, dst netip.Addr
		want     error
		reason   RxReason
	}{
		{"empty", nil, r1v4, GroupIPv4, ErrTruncated, RxLength},
		{"7 bytes", unhex(t, hexV2)[:7], r1v4, GroupIPv4, ErrTruncated, RxLength},
		{"count 2 one address", v2(func(b []byte) []byte { b[3] = 2; return b }), r1v4, GroupIPv4, ErrLength, RxLength},
		{"count 0 one address", v2(func(b []byte) []byte { b[3] = 0; return b }), r1v4, GroupIPv4, ErrLength, RxLength},
		{"trailing byte", v2(func(b []byte) []byte { return append(b, 0) }), r1v4, GroupIPv4, ErrLength, RxLength},
		{"v2 missing auth data", v2(func(b []byte) []byte { return b[:12] }), r1v4, GroupIPv4, ErrLength, RxLength},
		{"v3 ipv6 with ipv4-sized address", v3(same), r1ll, GroupIPv6, ErrLength, RxLength},
		{"version 1", v2(func(b []byte) []byte { b[0] = 0x11; return b }), r1v4, GroupIPv4, ErrVersion, RxVersion},
		{"version 4", v3(func(b []byte) []byte { b[0] = 0x41; return b }), r1v4, GroupIPv4, ErrVersion, RxVersion},
		{"v2 over ipv6", v2(same), r1ll, GroupIPv6, ErrVersion, RxVersion},
		{"type 2", v2(func(b []byte) []byte { b[0] = 0x22; return b }), r1v4, GroupIPv4, ErrType, RxType},
		{"type 0 v3", v3(func(b []byte) []byte { b[0] = 0x30; return b }), r1v4, GroupIPv4, ErrType, RxType},
		{"vrid 0", v2(func(b []byte) []byte { b[1] = 0; return b }), r1v4, GroupIPv4, ErrVRID, RxVRID},
		{"auth type 3", v2(func(b []byte) []byte { b[4] = 3; return b }), r1v4, GroupIPv4, ErrAuthType, RxAuthInvalid},
		{"auth AH", v2(func(b []byte) []byte { b[4] = 2; return b }), r1v4, GroupIPv4, ErrAuthAH, RxAuthUnsupported},
		{"v2 interval 0", v2(func(b []byte) []byte { b[5] = 0; return b }), r1v4, GroupIPv4, ErrInterval, RxInterval},
		{"v3 interval 0 reserved set", v3(func(b []byte) []byte { b[4], b[5] = 0xf0, 0; return b }), r1v4, GroupIPv4, ErrInterval, RxInterval},
		{"v2 corrupted", func() []byte { b := v2(same); b[2]++; return b }(), r1v4, GroupIPv4, ErrChecksum, RxChecksum},
		{"v3 summed for another dst", fixCsum(unhex(t, hexV3), r1v4, r2v4, true), r1v4, netip.MustParseAddr("192.0.2.99"), ErrChecksum, RxChecksum},
		{"v3 ipv6 summed for another src", unhex(t, hexV3v6), netip.MustParseAddr("fe80::1"), GroupIPv6, ErrChecksum, RxChecksum},
		{"src v4 dst v6", v2(same), r1v4, GroupIPv6, ErrFamily, RxFamily},
		{"no src", v2(same), netip.Addr{}, GroupIPv4, ErrFamily, RxFamily},
		{"src v6 dst v4", unhex(t, hexV3v6), ipv6, GroupIPv4, ErrFamily, RxFamily},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a Advert
			_, err := a.Unmarshal(tc.b, tc.src, tc.dst)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "vrrp advert: ") {
				t.Errorf("error %q lacks context", err)
			}
			if r := DecodeReason(err); r != tc.reason {
				t.Errorf("DecodeReason = %v, want %v", r, tc.reason)
			}
			// A junk flood fails every packet: failing must cost no
			// allocation (#16).
			if n := testing.AllocsPerRun(50, func() { _, _ = a.Unmarshal(tc.b, tc.src, tc.dst) }); n != 0 {
				t.Errorf("%v allocs per failed decode", n)
			}
		})
	}
}

func TestDecodeReasonOther(t *testing.T) {
	if r := DecodeReason(nil); r != RxOK {
		t.Errorf("nil → %v", r)
	}
	if r := DecodeReason(errors.New("x")); r != RxMalformed {
		t.Errorf("foreign error → %v", r)
	}
}

func advertWith(tb testing.TB, a Advert, addrs ...netip.Addr) *Advert {
	tb.Helper()
	if err := a.SetAddrs(addrs); err != nil {
		tb.Fatal(err)
	}
	return &a
}

func TestMarshalErrors(t *testing.T) {
	good2 := Advert{Version: 2, VRID: 51, Priority: 100, Interval: 1}
	good3 := Advert{Version: 3, VRID: 51, Priority: 100, Interval: 100}
	mod := func(a Advert, f func(*Advert)) Advert { f(&a); return a }
	tests := []struct {
		name     string
		a        *Advert
		src, dst netip.Addr
		form     ChecksumForm
		want     error
	}{
		{"vrid 0", advertWith(t, mod(good2, func(a *Advert) { a.VRID = 0 }), vip4), r1v4, GroupIPv4, 0, ErrVRID},
		{"version 4", advertWith(t, mod(good2, func(a *Advert) { a.Version = 4 }), vip4), r1v4, GroupIPv4, 0, ErrVersion},
		{"version 0", advertWith(t, Advert{VRID: 1, Interval: 1}), r1v4, GroupIPv4, 0, ErrVersion},
		{"v2 interval 0", advertWith(t, mod(good2, func(a *Advert) { a.Interval = 0 }), vip4), r1v4, GroupIPv4, 0, ErrInterval},
		{"v2 interval 256", advertWith(t, mod(good2, func(a *Advert) { a.Interval = 256 }), vip4), r1v4, GroupIPv4, 0, ErrInterval},
		{"v2 reserved", advertWith(t, mod(good2, func(a *Advert) { a.Reserved = 1 }), vip4), r1v4, GroupIPv4, 0, ErrInterval},
		{"v3 interval 0", advertWith(t, mod(good3, func(a *Advert) { a.Interval = 0 }), vip4), r1v4, GroupIPv4, 0, ErrInterval},
		{"v3 interval 4096", advertWith(t, mod(good3, func(a *Advert) { a.Interval = 4096 }), vip4), r1v4, GroupIPv4, 0, ErrInterval},
		{"v3 reserved 16", advertWith(t, mod(good3, func(a *Advert) { a.Reserved = 16 }), vip4), r1v4, GroupIPv4, 0, ErrInterval},
		{"v2 AH", advertWith(t, mod(good2, func(a *Advert) { a.AuthType = AuthAH }), vip4), r1v4, GroupIPv4, 0, ErrAuthAH},
		{"v2 auth 9", advertWith(t, mod(good2, func(a *Advert) { a.AuthType = 9 }), vip4), r1v4, GroupIPv4, 0, ErrAuthType},
		{"v3 with auth", advertWith(t, mod(good3, func(a *Advert) { a.AuthType = AuthPass }), vip4), r1v4, GroupIPv4, 0, ErrAuthType},
		{"v3 with auth data", advertWith(t, mod(good3, func(a *Advert) { a.AuthData[0] = 1 }), vip4), r1v4, GroupIPv4, 0, ErrAuthType},
		{"v3 no src", advertWith(t, good3, vip4), netip.Addr{}, GroupIPv4, 0, ErrFamily},
		{"v3 src v4 dst v6", advertWith(t, good3, vip4), r1v4, GroupIPv6, 0, ErrFamily},
		{"v3 ipv4 packet v6 address", advertWith(t, good3, vip6), r1v4, GroupIPv4, 0, ErrFamily},
		{"v3 ipv6 packet v4 address", advertWith(t, good3, vip4), r1ll, GroupIPv6, 0, ErrFamily},
		{"v2 v6 address", advertWith(t, good2, vip6), r1v4, GroupIPv4, 0, ErrFamily},
		{"v2 invalid address", advertWith(t, good2, netip.Addr{}), r1v4, GroupIPv4, 0, ErrFamily},
		{"v2 pseudo form", advertWith(t, good2, vip4), r1v4, GroupIPv4, ChecksumPseudo, ErrFormInvalid},
		{"v3 ipv6 plain form", advertWith(t, good3, vip6), r1ll, GroupIPv6, ChecksumPlain, ErrFormInvalid},
		{"v3 ipv6 old unicast", advertWith(t, good3, vip6), r1ll, GroupIPv6, ChecksumOldUnicast, ErrFormInvalid},
		{"v3 form 9", advertWith(t, good3, vip4), r1v4, GroupIPv4, 9, ErrFormInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			buf := []byte{0xaa}
			out, err := tc.a.AppendTo(buf, tc.src, tc.dst, tc.form)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if len(out) != 1 {
				t.Errorf("failed append changed the buffer: % x", out)
			}
		})
	}
	var a Advert
	if err := a.SetAddrs(make([]netip.Addr, MaxAddrs+1)); !errors.Is(err, ErrAddrCount) {
		t.Errorf("SetAddrs(256) = %v", err)
	}
}

// TestChecksumForms: each v3/IPv4 form a peer may send is accepted and
// reported as what it is, so the daemon can count and log it.
func TestChecksumForms(t *testing.T) {
	a := advertWith(t, Advert{Version: 3, VRID: 7, Priority: 200, Interval: 100}, vip4, r2v4)
	tests := []struct {
		name     string
		src, dst netip.Addr
		send     ChecksumForm
		seen     ChecksumForm
	}{
		{"multicast default", r1v4, GroupIPv4, ChecksumDefault, ChecksumPseudo},
		{"multicast as v2", r1v4, GroupIPv4, ChecksumPlain, ChecksumPlain},
		{"unicast default", r1v4, r2v4, ChecksumDefault, ChecksumPseudo},
		{"unicast as v2", r1v4, r2v4, ChecksumPlain, ChecksumPlain},
		{"unicast pre-1.3.6", r1v4, r2v4, ChecksumOldUnicast, ChecksumOldUnicast},
		{"old unicast on multicast is plain pseudo", r1v4, GroupIPv4, ChecksumOldUnicast, ChecksumPseudo},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := a.Marshal(tc.src, tc.dst, tc.send)
			if err != nil {
				t.Fatal(err)
			}
			var got Advert
			form, err := got.Unmarshal(b, tc.src, tc.dst)
			if err != nil || form != tc.seen {
				t.Fatalf("form %v err %v, want %v", form, err, tc.seen)
			}
			if !got.Equal(a) {
				t.Errorf("round trip %+v", got)
			}
		})
	}
	for f, want := range map[ChecksumForm]string{ChecksumDefault: "default", ChecksumPlain: "plain",
		ChecksumPseudo: "pseudo-header", ChecksumOldUnicast: "old-unicast", 9: "ChecksumForm(9)"} {
		if f.String() != want {
			t.Errorf("%d.String() = %q", f, f.String())
		}
	}
}

// TestUnmarshalReuse: decoding into a used Advert leaves nothing of the
// previous packet, and the returned address slice cannot be appended into
// the advert's storage.
func TestUnmarshalReuse(t *testing.T) {
	big := advertWith(t, Advert{Version: 2, VRID: 9, Priority: 1, Interval: 3, AuthType: AuthPass,
		AuthData: PassAuthData("pw")}, vip4, r1v4, r2v4)
	bb, err := big.Marshal(r1v4, GroupIPv4, 0)
	if err != nil {
		t.Fatal(err)
	}
	var a Advert
	if _, err := a.Unmarshal(bb, r1v4, GroupIPv4); err != nil || !a.Equal(big) {
		t.Fatalf("%v %+v", err, a)
	}
	small := unhex(t, hexV3)
	if _, err := a.Unmarshal(small, r1v4, GroupIPv4); err != nil {
		t.Fatal(err)
	}
	want := advertWith(t, Advert{Version: 3, VRID: 51, Priority: 150, Interval: 10}, vip4)
	if !a.Equal(want) || a.AuthType != AuthNone || a.AuthData != noAuth8 {
		t.Fatalf("reused decode %+v addrs %v", a, a.Addrs())
	}
	addrs := a.Addrs()
	_ = append(addrs, r2v4)
	if _, err := a.Unmarshal(bb, r1v4, GroupIPv4); err != nil || a.Addrs()[1] != r1v4 {
		t.Errorf("append through Addrs reached the advert: %v", a.Addrs())
	}
}

// TestDecodeAllocs pins the receive path at zero allocations.
func TestDecodeAllocs(t *testing.T) {
	for _, tc := range []struct {
		name     string
		b        []byte
		src, dst netip.Addr
	}{
		{"v2", unhex(t, hexV2), r1v4, GroupIPv4},
		{"v3 ipv4", unhex(t, hexV3), r1v4, GroupIPv4},
		{"v3 ipv6", unhex(t, hexV3v6), r1ll, GroupIPv6},
	} {
		var a Advert
		n := testing.AllocsPerRun(100, func() {
			if _, err := a.Unmarshal(tc.b, tc.src, tc.dst); err != nil {
				t.Fatal(err)
			}
		})
		if n != 0 {
			t.Errorf("%s: %v allocs per decode", tc.name, n)
		}
	}
}

func TestSendChecksumForm(t *testing.T) {
	tests := []struct {
		in   Instance
		want ChecksumForm
	}{
		{Instance{Version: 3, Family: IPv4}, ChecksumDefault},
		{Instance{Version: 3, Family: IPv4, V3ChecksumAsV2: true}, ChecksumPlain},
		{Instance{Version: 3, Family: IPv6, V3ChecksumAsV2: true}, ChecksumDefault},
		{Instance{Version: 2, Family: IPv4, V3ChecksumAsV2: true}, ChecksumDefault},
	}
	for _, tc := range tests {
		if got := SendChecksumForm(&tc.in); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.in, got, tc.want)
		}
	}
	// The RFC 9568 form on the captured v3 advert: same bytes but the
	// checksum, and a receiver reports it as plain.
	a := advertWith(t, Advert{Version: 3, VRID: 51, Priority: 150, Interval: 10}, vip4)
	in := Instance{Version: 3, Family: IPv4, V3ChecksumAsV2: true}
	b, err := a.Marshal(r1v4, GroupIPv4, SendChecksumForm(&in))
	if err != nil {
		t.Fatal(err)
	}
	if want := fixCsum(unhex(t, hexV3), r1v4, GroupIPv4, false); string(b) != string(want) || b[6] == 0xd3 {
		t.Errorf("as-v2 encoding % x, want % x", b, want)
	}
	var got Advert
	if form, err := got.Unmarshal(b, r1v4, GroupIPv4); err != nil || form != ChecksumPlain {
		t.Errorf("decoded as %v (%v)", form, err)
	}
}

// TestEqual: every field but the checksum takes part, so the fuzz
// round-trip comparison cannot pass vacuously.
func TestEqual(t *testing.T) {
	base := advertWith(t, Advert{Version: 2, VRID: 1, Priority: 2, Interval: 3, AuthType: AuthPass,
		AuthData: pass12, Checksum: 5}, vip4, r1v4)
	muts := map[string]func(a *Advert){
		"version": func(a *Advert) { a.Version = 3 }, "vrid": func(a *Advert) { a.VRID++ },
		"priority": func(a *Advert) { a.Priority++ }, "interval": func(a *Advert) { a.Interval++ },
		"reserved": func(a *Advert) { a.Reserved++ }, "auth type": func(a *Advert) { a.AuthType = AuthNone },
		"auth data": func(a *Advert) { a.AuthData[7] = 1 },
		"count":     func(a *Advert) { _ = a.SetAddrs([]netip.Addr{vip4}) },
		"address":   func(a *Advert) { _ = a.SetAddrs([]netip.Addr{vip4, r2v4}) },
	}
	for name, mut := range muts {
		b := *base
		mut(&b)
		if base.Equal(&b) {
			t.Errorf("%s difference not seen", name)
		}
	}
	b := *base
	b.Checksum = 0
	if !base.Equal(&b) {
		t.Error("checksum difference counted")
	}
}
