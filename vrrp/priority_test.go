package vrrp

import (
	"strings"
	"testing"
)

// TestWeightSemantics is features.md §5's weight table, row by row, for the
// up/down trackers.
func TestWeightSemantics(t *testing.T) {
	cases := []struct {
		weight  int
		reverse bool
		up      bool
		adj     int
		fault   bool
	}{
		{0, false, true, 0, false},
		{0, false, false, 0, true},
		{0, true, true, 0, true},
		{0, true, false, 0, false},
		{20, false, true, 20, false},
		{20, false, false, 0, false},
		{-20, false, true, 0, false},
		{-20, false, false, -20, false},
		{20, true, true, -20, false},
		{20, true, false, 0, false},
		{-20, true, true, 0, false},
		{-20, true, false, 20, false},
	}
	for _, kind := range []TrackKind{TrackKindInterface, TrackKindScript, TrackKindProcess} {
		for _, c := range cases {
			it := tracked{kind: kind, weight: c.weight, reverse: c.reverse, known: true, up: c.up}
			adj, fault := it.adjust()
			if adj != c.adj || fault != c.fault {
				t.Errorf("%s weight=%d reverse=%t up=%t: got (%d, %t), want (%d, %t)",
					kind, c.weight, c.reverse, c.up, adj, fault, c.adj, c.fault)
			}
		}
	}
}

func TestTrackFile(t *testing.T) {
	cases := []struct {
		weight, value int
		reverse       bool
		adj           int
		fault         bool
	}{
		{0, 0, false, 0, false},
		{0, 7, false, 0, true},
		{0, 0, true, 0, true},
		{1, 30, false, 30, false},
		{10, -5, false, -50, false},
		{10, -25, false, -250, false},
		{10, -26, false, 0, true}, // −260 ≤ −254
		{-2, 127, false, 0, true},
		{-2, 127, true, 253, false}, // +254 capped so it cannot reach 255 alone
		{3, -84, true, 252, false},
	}
	for _, c := range cases {
		it := tracked{kind: TrackKindFile, weight: c.weight, reverse: c.reverse, known: true, value: c.value}
		adj, fault := it.adjust()
		if adj != c.adj || fault != c.fault {
			t.Errorf("weight=%d value=%d reverse=%t: got (%d, %t), want (%d, %t)",
				c.weight, c.value, c.reverse, adj, fault, c.adj, c.fault)
		}
	}
}

func TestEffectivePriority(t *testing.T) {
	in := testInstance("VI_1", 100)
	in.TrackInterfaces = []TrackInterface{{Name: "eth1", Weight: 50}}
	in.TrackScripts = []TrackRef{{Name: "s"}, {Name: "o", Weight: -90, WeightSet: true}}
	in.OptsRef().TrackFiles = []TrackRef{{Name: "f"}}
	in.OptsRef().TrackProcesses = []TrackRef{{Name: "p"}}
	defs := DefsFrom(
		[]ScriptTracker{{Name: "s", Weight: 200}, {Name: "o", Weight: 5, Reverse: true}},
		[]FileTracker{{Name: "f", Weight: 1, InitValue: 4}},
		[]ProcessTracker{{Name: "p", Weight: 0}})
	tr, err := NewTracking(&in, nil, defs)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		kind  TrackKind
		name  string
		up    bool
		value int
		base  uint8
		prio  uint8
		fault bool
	}{
		// eth1 up (+50) and file 4 (+4); s, o, p not reported yet
		{0, "", false, 0, 100, 154, false},
		{TrackKindScript, "s", true, 0, 100, 254, false},  // clamp at 254
		{0, "", false, 0, 255, 255, false},                // owner not adjusted
		{TrackKindScript, "o", false, 0, 100, 254, false}, // override: −90, not reverse (264 clamped)
		{TrackKindScript, "s", false, 0, 10, 1, false},    // 10+50+4−90 → clamp at 1
		{TrackKindProcess, "p", false, 0, 100, 64, true},  // weight 0 down: FAULT
		{TrackKindProcess, "p", true, 0, 255, 255, false},
	}
	for i, s := range steps {
		if s.kind != 0 && !tr.Set(s.kind, s.name, s.up, s.value) {
			t.Fatalf("step %d: tracker %s %s not found", i, s.kind, s.name)
		}
		prio, fault := tr.Effective(s.base)
		if prio != s.prio || fault != s.fault {
			t.Errorf("step %d: Effective(%d) = (%d, %t), want (%d, %t); %s", i, s.base, prio, fault, s.prio,
				s.fault, tr)
		}
	}
	if tr.Set(TrackKindFile, "s", true, 0) {
		t.Error("Set matched a script by name under the file kind")
	}
}

func TestTrackingPending(t *testing.T) {
	in := testInstance("VI_1", 100)
	in.TrackScripts = []TrackRef{{Name: "w"}, {Name: "z"}, {Name: "f"}}
	defs := DefsFrom([]ScriptTracker{{Name: "w", Weight: 5}, {Name: "z"}, {Name: "f", InitFail: true}}, nil, nil)
	tr, err := NewTracking(&in, nil, defs)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Pending() {
		t.Fatal("weight-0 script without a result must keep the instance pending")
	}
	tr.Set(TrackKindScript, "z", true, 0)
	if tr.Pending() {
		t.Fatal("only the weighted script is unknown; it must not hold the instance")
	}
	if _, fault := tr.Effective(100); !fault {
		t.Error("init_fail weight-0 script must be a fault from the start")
	}
}

func TestTrackingSyncGroup(t *testing.T) {
	in := testInstance("VI_1", 100)
	in.TrackScripts = []TrackRef{{Name: "w"}, {Name: "z"}}
	sg := &SyncGroup{Name: "G", TrackInterfaces: []TrackInterface{{Name: "eth2"}, {Name: "eth3", Weight: 7}}}
	defs := DefsFrom([]ScriptTracker{{Name: "w", Weight: -50}, {Name: "z"}}, nil, nil)
	tr, err := NewTracking(&in, sg, defs)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tr.Ignored(), ","); got != "script w,interface eth3" {
		t.Errorf("Ignored() = %q", got)
	}
	tr.Set(TrackKindScript, "z", true, 0)
	tr.Set(TrackKindScript, "w", false, 0)
	if p, f := tr.Effective(100); p != 100 || f {
		t.Errorf("weighted tracker of a sync member applied: (%d, %t)", p, f)
	}
	tr.Set(TrackKindInterface, "eth2", false, 0)
	if _, f := tr.Effective(100); !f {
		t.Error("the group's weight-0 interface must fault its members")
	}
	sg.TrackingWeight = true
	tr, err = NewTracking(&in, sg, defs)
	if err != nil {
		t.Fatal(err)
	}
	tr.Set(TrackKindScript, "w", false, 0)
	if p, _ := tr.Effective(100); p != 57 {
		t.Errorf("with sync_group_tracking_weight: priority %d, want 100−50+7", p)
	}
}

func TestTrackingUndefined(t *testing.T) {
	for _, in := range []Instance{
		{Name: "a", TrackScripts: []TrackRef{{Name: "x"}}},
		{Name: "b", Opts: &InstanceOptions{TrackFiles: []TrackRef{{Name: "x"}}}},
		{Name: "c", Opts: &InstanceOptions{TrackProcesses: []TrackRef{{Name: "x"}}}},
	} {
		if _, err := NewTracking(&in, nil, DefsFrom(nil, nil, nil)); err == nil ||
			!strings.Contains(err.Error(), "vrrp "+in.Name) {
			t.Errorf("instance %s: err = %v, want an error naming the instance", in.Name, err)
		}
	}
}

// An instance without trackers gets no Tracking, and the nil one behaves
// as no trackers: the base priority, never pending, no fault.
func TestTrackingNone(t *testing.T) {
	in := Instance{Name: "a"}
	tr, err := NewTracking(&in, &SyncGroup{Name: "G"}, DefsFrom(nil, nil, nil))
	if err != nil || tr != nil {
		t.Fatalf("NewTracking without trackers = %v, %v; want nil, nil", tr, err)
	}
	if p, f := tr.Effective(100); p != 100 || f {
		t.Errorf("Effective(100) = %d, %t; want 100, false", p, f)
	}
	if tr.Pending() || tr.Set(TrackKindScript, "x", true, 0) || tr.Ignored() != nil || tr.String() != "" {
		t.Error("a nil Tracking must report nothing pending, no tracker, nothing ignored")
	}
}
