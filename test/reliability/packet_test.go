package reliability

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

// The injector is only as good as its packets: the valid ones must decode
// with the project's own codec, and each malformed kind must fail the
// decode for its own reason (or, for the kinds the codec cannot see, be
// well-formed apart from the one field).
func TestInjectorPackets(t *testing.T) {
	src := netip.MustParseAddr("192.0.2.13")
	for _, ver := range []int{2, 3} {
		base := advert{Version: ver, VRID: vrid, Priority: 254, VIPs: []netip.Addr{vip}, Src: src, Interval: 1}
		if ver == 3 {
			base.Interval = 100
		}
		decode := func(a advert) (vrrp.Advert, error) {
			var d vrrp.Advert
			_, err := d.Unmarshal(a.vrrpPart(), src, vrrpGroup)
			return d, err
		}
		d, err := decode(base)
		if err != nil || d.Priority != 254 || d.VRID != vrid || len(d.Addrs()) != 1 || d.Addrs()[0] != vip {
			t.Fatalf("v%d valid advert: %+v, %v", ver, d, err)
		}
		for _, tc := range []struct {
			kind string
			want error // nil: must decode (the fault is outside the codec)
		}{
			{"bad checksum", vrrp.ErrChecksum},
			{"wrong type", vrrp.ErrType},
			{"count≠length", vrrp.ErrLength},
			{"truncated", vrrp.ErrTruncated},
			{"oversized", vrrp.ErrLength},
			{"wrong VRID", nil},
			{"TTL 64", nil},
			{"wrong version", nil},
		} {
			k := kindNamed(t, tc.kind)
			_, err := decode(k.mutate(base))
			if (tc.want == nil && err != nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("v%d %s: decode error %v, want %v", ver, tc.kind, err, tc.want)
			}
		}
		if got := otherVersion(base); got.Version == ver {
			t.Errorf("otherVersion kept v%d", ver)
		}
	}
	p := advert{Version: 2, VRID: 1, Src: src, VIPs: []netip.Addr{vip}, TTL: 64}.packet()
	if p[8] != 64 || p[9] != 112 || int(p[2])<<8|int(p[3]) != len(p) || checksum(nil, p[:20]) != 0 {
		t.Errorf("IPv4 header % x", p[:20])
	}
}

func kindNamed(t *testing.T, name string) badKind {
	for _, k := range badKinds {
		if k.name == name {
			return k
		}
	}
	t.Fatalf("no kind %q", name)
	return badKind{}
}
