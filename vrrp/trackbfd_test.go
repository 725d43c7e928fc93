package vrrp

import "testing"

// TestTrackingBFD: a tracked BFD session is down until it first comes Up
// (keepalived's bfd_up starts false), then follows the weight table;
// entries default to the bfd_instance's weight and may override it.
func TestTrackingBFD(t *testing.T) {
	defs := DefsFrom(nil, nil, nil, BFDTracker{Name: "gw", Weight: -30}, BFDTracker{Name: "hard"},
		BFDTracker{Name: "rev", Weight: 20, Reverse: true})
	cases := []struct {
		name      string
		refs      []TrackRef
		group     []TrackRef
		up        map[string]bool
		prio      uint8
		fault     bool
		undefined bool
	}{
		{"negative weight, never up", []TrackRef{{Name: "gw"}}, nil, nil, 70, false, false},
		{"negative weight, up", []TrackRef{{Name: "gw"}}, nil, map[string]bool{"gw": true}, 100, false, false},
		{"weight 0 down faults", []TrackRef{{Name: "hard"}}, nil, nil, 100, true, false},
		{"weight 0 up", []TrackRef{{Name: "hard"}}, nil, map[string]bool{"hard": true}, 100, false, false},
		{"override", []TrackRef{{Name: "gw", Weight: 10, WeightSet: true}}, nil, map[string]bool{"gw": true}, 110, false, false},
		{"reverse positive, up lowers", []TrackRef{{Name: "rev"}}, nil, map[string]bool{"rev": true}, 80, false, false},
		{"sync group weight 0", nil, []TrackRef{{Name: "gw", Weight: 0, WeightSet: true}}, nil, 100, true, false},
		{"undefined", []TrackRef{{Name: "nope"}}, nil, nil, 0, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := testInstance("VI_1", 100)
			in.OptsRef().TrackBFDs = tc.refs
			var sg *SyncGroup
			if tc.group != nil {
				sg = &SyncGroup{Name: "G", TrackBFDs: tc.group}
			}
			tr, err := NewTracking(&in, sg, defs)
			if tc.undefined {
				if err == nil {
					t.Fatal("undefined bfd accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tr.Pending() {
				t.Error("a BFD tracker is known (down) from the start")
			}
			for n, up := range tc.up {
				if !tr.Set(TrackKindBFD, n, up, 0) {
					t.Fatalf("no tracker %s", n)
				}
			}
			if p, f := tr.Effective(100); p != tc.prio || f != tc.fault {
				t.Errorf("Effective = (%d, %t), want (%d, %t): %s", p, f, tc.prio, tc.fault, tr)
			}
		})
	}
	if k, ok := ParseTrackKind("bfd"); !ok || k != TrackKindBFD {
		t.Error("ParseTrackKind(bfd)")
	}
}
