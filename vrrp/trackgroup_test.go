package vrrp

import (
	"net/netip"
	"reflect"
	"testing"
)

// A track_group member holds one weight-0 tracker per group: it starts up,
// its loss faults the instance (even the owner), and it survives the
// sync-group rule that drops weighted trackers.
func TestTrackingGroup(t *testing.T) {
	if k, ok := ParseTrackKind(TrackKindGroup.String()); !ok || k != TrackKindGroup {
		t.Fatalf("ParseTrackKind(%q) = %v, %v", TrackKindGroup.String(), k, ok)
	}
	cases := []struct {
		name      string
		prio      uint8
		group     *SyncGroup
		set       []bool // successive results for group G
		wantFault bool
		wantPrio  uint8
	}{
		{name: "starts up", prio: 100, wantPrio: 100},
		{name: "down faults", prio: 100, set: []bool{false}, wantFault: true, wantPrio: 100},
		{name: "back up", prio: 100, set: []bool{false, true}, wantPrio: 100},
		{name: "owner faults too", prio: OwnerPriority, set: []bool{false}, wantFault: true, wantPrio: OwnerPriority},
		{name: "kept in sync group", prio: 100, group: &SyncGroup{Name: "S"}, set: []bool{false}, wantFault: true, wantPrio: 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := &Instance{Name: "VI_1", Priority: c.prio, TrackGroups: []string{"G", "H"},
				TrackInterfaces: []TrackInterface{{Name: "eth1", Weight: -10}}}
			tr, err := NewTracking(in, c.group, TrackerDefs{})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Pending() {
				t.Fatal("a track_group tracker must not hold the instance in INIT")
			}
			for _, up := range c.set {
				if !tr.Set(TrackKindGroup, "G", up, 0) {
					t.Fatal("Set did not find track_group G")
				}
			}
			if tr.Set(TrackKindGroup, "other", false, 0) {
				t.Fatal("Set found a group the instance is not in")
			}
			if tr.Set(TrackKindInterface, "G", false, 0) {
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
	wantRestore []StaticRef
	wantChanged []GroupState
}

func TestStaticTrack(t *testing.T) {
	p := netip.MustParsePrefix
	addrs := []Address{
		{Prefix: p("198.51.100.1/24"), Dev: "tg0", TrackGroup: "G"},
		{Prefix: p("192.0.2.5/24")}, // on the default interface, no group
		{Prefix: p("198.51.100.2/24"), Dev: "tg0", TrackGroup: "G", NoTrack: true},
	}
	routes := []Route{
		{Dst: p("203.0.113.0/24"), Dev: "tg1", TrackGroup: "H"},
		{Dst: p("198.18.0.0/15"), Via: netip.MustParseAddr("192.0.2.254"), TrackGroup: "G"}, // no dev: not tracked
	}
	rules := []Rule{{From: p("198.51.100.0/24"), Table: 100, IIF: "tg2", TrackGroup: "H"}}
	a := func(i int) StaticRef { return StaticRef{StaticAddress, i} }
	r := func(i int) StaticRef { return StaticRef{StaticRoute, i} }
	cases := []struct {
		name       string
		seed       map[string]bool
		wantStates []GroupState
		steps      []linkStep
	}{
		{
			name:       "address interface deleted and recreated",
			seed:       map[string]bool{"eth0": true, "tg0": true, "tg1": true, "tg2": true},
			wantStates: []GroupState{{Name: "G", Up: true}, {Name: "H", Up: true}},
			steps: []linkStep{
				{dev: "tg0", up: false, wantChanged: []GroupState{{Name: "G", Dev: "tg0"}}},
				{dev: "tg0", up: false},
				{dev: "tg0", up: true, wantRestore: []StaticRef{a(0)}, wantChanged: []GroupState{{Name: "G", Up: true}}},
				{dev: "eth0", up: false},
				{dev: "eth0", up: true, wantRestore: []StaticRef{a(1)}},
			},
		},
		{
			name:       "route and rule interfaces, groups apart",
			seed:       map[string]bool{"eth0": true, "tg0": true, "tg1": true, "tg2": true},
			wantStates: []GroupState{{Name: "G", Up: true}, {Name: "H", Up: true}},
			steps: []linkStep{
				{dev: "tg1", up: false, wantChanged: []GroupState{{Name: "H", Dev: "tg1"}}},
				{dev: "tg2", up: false},
				{dev: "tg1", up: true, wantRestore: []StaticRef{r(0)}},
				// Rules outlive their interface: nothing to put back.
				{dev: "tg2", up: true, wantChanged: []GroupState{{Name: "H", Up: true}}},
			},
		},
		{
			name:       "interface missing at start",
			seed:       map[string]bool{"eth0": true, "tg1": true, "tg2": true},
			wantStates: []GroupState{{Name: "G", Dev: "tg0"}, {Name: "H", Up: true}},
			steps: []linkStep{
				{dev: "tg0", up: true, wantRestore: []StaticRef{a(0)}, wantChanged: []GroupState{{Name: "G", Up: true}}},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewStaticTrack(addrs, routes, rules, "eth0")
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
	s := NewStaticTrack(
		[]Address{{Dev: "a"}, {Dev: "a", NoTrack: true}},
		[]Route{{NoTrack: true}, {Dev: "b"}},
		[]Rule{{}, {NoTrack: true, IIF: "c", TrackGroup: "G"}}, "eth0")
	want := []StaticRef{{StaticAddress, 0}, {StaticRoute, 1}, {StaticRule, 0}}
	if got := s.Restorable(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Restorable = %v, want %v", got, want)
	}
	if got := s.States(); len(got) != 0 {
		t.Fatalf("a no_track entry's group is tracked: %+v", got)
	}
	if got := StaticRule.String(); got != "rule" {
		t.Fatalf("StaticRule.String() = %q", got)
	}
}
