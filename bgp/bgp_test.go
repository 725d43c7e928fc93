package bgp

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/srcpos"
)

var (
	vsTCP = Condition{Kind: VirtualServerQuorum, Protocol: "TCP", Addr: netip.MustParseAddrPort("192.0.2.200:80")}
	vsFWM = Condition{Kind: VirtualServerQuorum, FWMark: 7}
	vsGrp = Condition{Kind: VirtualServerQuorum, Protocol: "UDP", Group: "G"}
	vi1   = Condition{Kind: InstanceMaster, Instance: "VI_1"}
)

func TestConditionKey(t *testing.T) {
	for _, tc := range []struct {
		c         Condition
		key, text string
	}{
		{vsTCP, "TCP 192.0.2.200:80", "virtual_server TCP 192.0.2.200:80 has quorum"},
		{vsFWM, "FWM 7", "virtual_server FWM 7 has quorum"},
		{vsGrp, "UDP group G", "virtual_server UDP group G has quorum"},
		{vi1, "VI_1", "vrrp_instance VI_1 is MASTER"},
	} {
		if got := tc.c.Key(); got != tc.key {
			t.Errorf("Key() = %q, want %q", got, tc.key)
		}
		if got := tc.c.String(); got != tc.text {
			t.Errorf("String() = %q, want %q", got, tc.text)
		}
	}
}

func TestWanted(t *testing.T) {
	st := State{Quorum: map[string]bool{"TCP 192.0.2.200:80": true, "FWM 7": false}, Master: map[string]bool{"VI_1": true}}
	for _, tc := range []struct {
		name  string
		conds []Condition
		want  bool
	}{
		{"no condition", nil, true},
		{"quorum", []Condition{vsTCP}, true},
		{"quorum lost", []Condition{vsFWM}, false},
		{"virtual server absent", []Condition{vsGrp}, false},
		{"master", []Condition{vi1}, true},
		{"instance absent", []Condition{{Kind: InstanceMaster, Instance: "VI_2"}}, false},
		{"all hold", []Condition{vsTCP, vi1}, true},
		{"one fails", []Condition{vsTCP, vsFWM}, false},
	} {
		if got := st.Wanted(Announce{Conditions: tc.conds}); got != tc.want {
			t.Errorf("%s: Wanted = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func base() *Config {
	return &Config{LocalAS: 65001, RouterID: netip.MustParseAddr("192.0.2.1"),
		Neighbors: []Neighbor{
			{Address: netip.MustParseAddr("198.51.100.1"), AS: 65000, HoldTime: 9 * time.Second, Keepalive: 3 * time.Second},
			{Address: netip.MustParseAddr("198.51.100.2"), AS: 65000, HoldTime: 9 * time.Second, Keepalive: 3 * time.Second},
		},
		Announces: []Announce{
			{Prefix: netip.MustParsePrefix("192.0.2.200/32"), Conditions: []Condition{vsTCP}},
			{Prefix: netip.MustParsePrefix("192.0.2.201/32"), Communities: []uint32{65000<<16 | 1}},
		}}
}

func TestCompare(t *testing.T) {
	addr := netip.MustParseAddr
	pfx := netip.MustParsePrefix
	for _, tc := range []struct {
		name   string
		edit   func(c *Config)
		want   func(d Diff) bool
		change bool
	}{
		{"same file, other lines", func(c *Config) {
			c.Neighbors[0].Pos = srcpos.Make("b.conf", 9)
			c.Announces[0].Conditions = []Condition{vsTCP}
			c.Announces[0].Conditions[0].Pos = srcpos.Make("b.conf", 12)
		}, func(d Diff) bool { return true }, false},
		{"router id", func(c *Config) { c.RouterID = addr("192.0.2.2") }, func(d Diff) bool { return d.Restart }, true},
		{"neighbour added", func(c *Config) {
			c.Neighbors = append(c.Neighbors, Neighbor{Address: addr("198.51.100.3"), AS: 65000})
		}, func(d Diff) bool {
			return !d.Restart && len(d.AddNeighbors) == 1 && d.AddNeighbors[0].Address == addr("198.51.100.3") && len(d.ChangeNeighbors) == 0
		}, true},
		{"neighbour removed", func(c *Config) { c.Neighbors = c.Neighbors[1:] }, func(d Diff) bool {
			return slices.Equal(d.RemoveNeighbors, []netip.Addr{addr("198.51.100.1")}) && len(d.ChangeNeighbors) == 0
		}, true},
		{"password changed", func(c *Config) { c.Neighbors[1].Password = "x" }, func(d Diff) bool {
			return len(d.ChangeNeighbors) == 1 && d.ChangeNeighbors[0].Address == addr("198.51.100.2")
		}, true},
		{"MED changed", func(c *Config) { c.Announces[1].MED, c.Announces[1].HasMED = 5, true }, func(d Diff) bool {
			return len(d.ChangeAnnounces) == 1 && d.ChangeAnnounces[0].Prefix == pfx("192.0.2.201/32") && len(d.ChangeNeighbors) == 0
		}, true},
		{"condition changed", func(c *Config) { c.Announces[0].Conditions = []Condition{vi1} }, func(d Diff) bool {
			return len(d.ChangeAnnounces) == 1 && d.ChangeAnnounces[0].Prefix == pfx("192.0.2.200/32")
		}, true},
		{"announce replaced", func(c *Config) { c.Announces[1].Prefix = pfx("192.0.2.202/32") }, func(d Diff) bool {
			return len(d.AddAnnounces) == 1 && slices.Equal(d.RemoveAnnounces, []netip.Prefix{pfx("192.0.2.201/32")})
		}, true},
	} {
		next := base()
		tc.edit(next)
		d := Compare(base(), next)
		if d.Empty() == tc.change || !tc.want(d) {
			t.Errorf("%s: diff %+v", tc.name, d)
		}
	}
}

func TestNeedsInstances(t *testing.T) {
	c := base()
	if c.NeedsInstances() {
		t.Error("virtual_server conditions only: no instance needed")
	}
	c.Announces[1].Conditions = []Condition{vi1}
	if !c.NeedsInstances() {
		t.Error("a vrrp_instance condition needs the instances")
	}
}
