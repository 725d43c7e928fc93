package snmpmib

import (
	"net/netip"
	"testing"

	"github.com/govrrpd/govrrpd/internal/status"
)

func TestScopeCode(t *testing.T) {
	for in, want := range map[string]int{"": 14, "global": 14, "0": 14, "site": 5, "200": 5, "link": 2, "253": 2,
		"host": 1, "254": 1, "nowhere": 0, "255": 0, "17": 0} {
		if got := scopeCode(in); got != want {
			t.Errorf("scope %q: %d, want %d", in, got, want)
		}
	}
}

func TestBroadcast(t *testing.T) {
	cases := []struct {
		prefix, brd, want string
	}{
		{"192.0.2.1/24", "", "0.0.0.0"},
		{"192.0.2.1/24", "-", "0.0.0.0"},
		{"192.0.2.1/24", "+", "192.0.2.255"},
		{"192.0.2.1/30", "+", "192.0.2.3"},
		{"192.0.2.1/24", "192.0.2.127", "192.0.2.127"},
		{"192.0.2.1/24", "2001:db8::1", "0.0.0.0"},
	}
	for _, c := range cases {
		got := netip.AddrFrom4(VIPConf{Prefix: netip.MustParsePrefix(c.prefix), Brd: c.brd}.broadcast()).String()
		if got != c.want {
			t.Errorf("%s brd %q: %s, want %s", c.prefix, c.brd, got, c.want)
		}
	}
}

// vrrpv3StatisticsProtoErrReason names one error kind or none; with
// several the latest is unknown and the column is left out.
func TestProtoErr(t *testing.T) {
	cases := []struct {
		drops    map[string]uint64
		want     int
		feasible bool
	}{
		{nil, 0, true},
		{map[string]uint64{"ttl": 2}, 1, true},
		{map[string]uint64{"version": 1}, 2, true},
		{map[string]uint64{"checksum": 1, "address-list": 4}, 3, true},
		{map[string]uint64{"vrid": 1}, 4, true},
		{map[string]uint64{"ttl": 1, "vrid": 1}, 0, false},
	}
	for _, c := range cases {
		got, ok := dropsOf(statsWith(c.drops)).protoErr()
		if ok != c.feasible || ok && got != c.want {
			t.Errorf("%v: %d %v, want %d %v", c.drops, got, ok, c.want, c.feasible)
		}
	}
}

func statsWith(d map[string]uint64) status.InstanceStats { return status.InstanceStats{Drops: d} }
