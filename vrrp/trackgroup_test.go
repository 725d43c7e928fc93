package vrrp_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/vrrp"
)

// A track_group member holds one weight-0 tracker per group: it starts up,
// its loss faults the instance (even the owner), and it survives the
// sync-group rule that drops weighted trackers.
func TestTrackingGroup(t *testing.T) {
	if k, ok := vrrp.ParseTrackKind(vrrp.TrackKindGroup.String()); !ok || k != vrrp.TrackKindGroup {
		t.Fatalf("vrrp.ParseTrackKind(%q) = %v, %v", vrrp.TrackKindGroup.String(), k, ok)
	}
	cases := []struct {
		name      string
		prio      uint8
		group     *vrrp.SyncGroup
		set       []bool // successive results for group G
		wantFault bool
		wantPrio  uint8
	}{
		{name: "starts up", prio: 100, wantPrio: 100},
		{name: "down faults", prio: 100, set: []bool{false}, wantFault: true, wantPrio: 100},
		{name: "back up", prio: 100, set: []bool{false, true}, wantPrio: 100},
		{name: "owner faults too", prio: vrrp.OwnerPriority, set: []bool{false}, wantFault: true, wantPrio: vrrp.OwnerPriority},
		{name: "kept in sync group", prio: 100, group: &vrrp.SyncGroup{Name: "S"}, set: []bool{false}, wantFault: true, wantPrio: 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := &vrrp.Instance{Name: "VI_1", Priority: c.prio, Opts: &vrrp.InstanceOptions{TrackGroups: []string{"G", "H"}},
				TrackInterfaces: []vrrp.TrackInterface{{Name: "eth1", Weight: -10}}}
			tr, err := vrrp.NewTracking(in, c.group, vrrp.TrackerDefs{})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Pending() {
				t.Fatal("a track_group tracker must not hold the instance in INIT")
			}
			for _, up := range c.set {
				if !tr.Set(vrrp.TrackKindGroup, "G", up, 0) {
					t.Fatal("Set did not find track_group G")
				}
			}
			if tr.Set(vrrp.TrackKindGroup, "other", false, 0) {
				t.Fatal("Set found a group the instance is not in")
			}
			if tr.Set(vrrp.TrackKindInterface, "G", false, 0) {
				t.Fatal("an interface named like the group matched the group tracker")
			}
			p, f := tr.Effective(c.prio)
			if f != c.wantFault || p != c.wantPrio {
				t.Fatalf("Effective = %d, %t; want %d, %t (%s)", p, f, c.wantPrio, c.wantFault, tr)
			}
		})
	}
}

type linkStep struct {
	dev         string
	up          bool
	wantRestore []vrrp.StaticRef
	wantChanged []vrrp.GroupState
}

func TestStaticTrack(t *testing.T) {
	p := netip.MustParsePrefix
	addrs := []vrrp.Address{
		{Prefix: p("198.51.100.1/24"), Opts: &vrrp.AddressOptions{Dev: "tg0", TrackGroup: "G"}},
		{Prefix: p("192.0.2.5/24")}, // on the default interface, no group
		{Prefix: p("198.51.100.2/24"), Opts: &vrrp.AddressOptions{Dev: "tg0", TrackGroup: "G"}, NoTrack: true},
	}
	routes := []vrrp.Route{
		{Dst: p("203.0.113.0/24"), Dev: "tg1", TrackGroup: "H"},
		{Dst: p("198.18.0.0/15"), Via: netip.MustParseAddr("192.0.2.254"), TrackGroup: "G"}, // no dev: not tracked
	}
	rules := []vrrp.Rule{{From: p("198.51.100.0/24"), Table: 100, IIF: "tg2", TrackGroup: "H"}}
	a := func(i int) vrrp.StaticRef { return vrrp.StaticRef{Kind: vrrp.StaticAddress, Index: i} }
	r := func(i int) vrrp.StaticRef { return vrrp.StaticRef{Kind: vrrp.StaticRoute, Index: i} }
	cases := []struct {
		name       string
		seed       map[string]bool
		wantStates []vrrp.GroupState
		steps      []linkStep
	}{
		{
			name:       "address interface deleted and recreated",
			seed:       map[string]bool{"eth0": true, "tg0": true, "tg1": true, "tg2": true},
			wantStates: []vrrp.GroupState{{Name: "G", Up: true}, {Name: "H", Up: true}},
			steps: []linkStep{
				{dev: "tg0", up: false, wantChanged: []vrrp.GroupState{{Name: "G", Dev: "tg0"}}},
				{dev: "tg0", up: false},
				{dev: "tg0", up: true, wantRestore: []vrrp.StaticRef{a(0)}, wantChanged: []vrrp.GroupState{{Name: "G", Up: true}}},
				{dev: "eth0", up: false},
				{dev: "eth0", up: true, wantRestore: []vrrp.StaticRef{a(1)}},
			},
		},
		{
			name:       "route and rule interfaces, groups apart",
			seed:       map[string]bool{"eth0": true, "tg0": true, "tg1": true, "tg2": true},
			wantStates: []vrrp.GroupState{{Name: "G", Up: true}, {Name: "H", Up: true}},
			steps: []linkStep{
				{dev: "tg1", up: false, wantChanged: []vrrp.GroupState{{Name: "H", Dev: "tg1"}}},
				{dev: "tg2", up: false},
				{dev: "tg1", up: true, wantRestore: []vrrp.StaticRef{r(0)}},
				// Rules outlive their interface: nothing to put back.
				{dev: "tg2", up: true, wantChanged: []vrrp.GroupState{{Name: "H", Up: true}}},
			},
		},
		{
			name:       "interface missing at start",
			seed:       map[string]bool{"eth0": true, "tg1": true, "tg2": true},
			wantStates: []vrrp.GroupState{{Name: "G", Dev: "tg0"}, {Name: "H", Up: true}},
			steps: []linkStep{
				{dev: "tg0", up: true, wantRestore: []vrrp.StaticRef{a(0)}, wantChanged: []vrrp.GroupState{{Name: "G", Up: true}}},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := vrrp.NewStaticTrack(addrs, routes, rules, "eth0")
			for dev, up := range c.seed {
				s.Seed(dev, up)
			}
			if got := s.States(); !reflect.DeepEqual(got, c.wantStates) {
				t.Fatalf("States = %+v, want %+v", got, c.wantStates)
			}
			for i, st := range c.steps {
				restore, changed := s.Link(st.dev, st.up)
				if !reflect.DeepEqual(restore, st.wantRestore) || !reflect.DeepEqual(changed, st.wantChanged) {
					t.Fatalf("step %d (%s up=%t): restore %v changed %+v; want %v %+v", i, st.dev, st.up,
						restore, changed, st.wantRestore, st.wantChanged)
				}
			}
		})
	}
}

// no_track entries are left alone, as keepalived leaves them: neither put
// back nor tracked.
func TestStaticTrackRestorable(t *testing.T) {
	s := vrrp.NewStaticTrack(
		[]vrrp.Address{{Opts: &vrrp.AddressOptions{Dev: "a"}}, {Opts: &vrrp.AddressOptions{Dev: "a"}, NoTrack: true}},
		[]vrrp.Route{{NoTrack: true}, {Dev: "b"}},
		[]vrrp.Rule{{}, {NoTrack: true, IIF: "c", TrackGroup: "G"}}, "eth0")
	want := []vrrp.StaticRef{{Kind: vrrp.StaticAddress}, {Kind: vrrp.StaticRoute, Index: 1}, {Kind: vrrp.StaticRule}}
	if got := s.Restorable(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Restorable = %v, want %v", got, want)
	}
	if got := s.States(); len(got) != 0 {
		t.Fatalf("a no_track entry's group is tracked: %+v", got)
	}
	if got := vrrp.StaticRule.String(); got != "rule" {
		t.Fatalf("vrrp.StaticRule.String() = %q", got)
	}
}

// confparse hands every member the groups it is in, once each, and says
// when a group cannot fault anything; the track_group warning of the days
// before enforcement is gone.
func TestTrackGroupsFromConfig(t *testing.T) {
	inst := func(name string, vrid int) string {
		return "vrrp_instance " + name + " {\ninterface eth0\nvirtual_router_id " + strconv.Itoa(vrid) +
			"\npriority 100\nvirtual_ipaddress {\n192.0.2.100\n}\n}\n"
	}
	src := `track_group G {
    group {
        VI_1 VI_2
        VI_1
        VI_9
    }
}
track_group H {
    group {
        VI_2
    }
}
static_ipaddress {
    198.51.100.1/24 dev eth1 track_group G
    198.51.100.2/24 dev eth1 track_group H no_track
}
static_routes {
    203.0.113.0/24 via 198.51.100.254 track_group H
}
static_rules {
    from 198.51.100.0/24 table 100 preference 10 track_group G
}
` + inst("VI_1", 1) + inst("VI_2", 2) + inst("VI_3", 3)
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := confparse.Load(p, confparse.Options{})
	want := map[string][]string{"VI_1": {"G"}, "VI_2": {"G", "H"}, "VI_3": nil}
	for _, in := range cfg.Instances {
		if !reflect.DeepEqual(in.Options().TrackGroups, want[in.Name]) {
			t.Errorf("%s: TrackGroups = %q, want %q", in.Name, in.Options().TrackGroups, want[in.Name])
		}
	}
	text := diags.String()
	for _, msg := range []string{
		"Static address has both track_group and no_track set - not tracking",
		"Static route cannot have track group if no oif specified",
		"Static rule cannot have track_group if dev/iif not specified",
		"vrrp instance VI_9 specified in track group G doesn't exist",
	} {
		if !strings.Contains(text, msg) {
			t.Errorf("diagnostics lack %q:\n%s", msg, text)
		}
	}
	if strings.Contains(text, "not supported by govrrpd yet") {
		t.Errorf("track_group is still reported unsupported:\n%s", text)
	}
	tr, err := vrrp.NewTracking(&cfg.Instances[1], nil, vrrp.TrackerDefs{})
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Set(vrrp.TrackKindGroup, "H", false, 0) {
		t.Fatalf("VI_2 does not track group H: %s", tr)
	}
	if _, fault := tr.Effective(100); !fault {
		t.Fatalf("group H down does not fault VI_2: %s", tr)
	}
}
