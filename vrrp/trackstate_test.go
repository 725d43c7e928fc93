package vrrp

import (
	"net/netip"
	"reflect"
	"testing"
)

// TestTrackersState: each tracker's contribution as the API shows it —
// weighted down, weight-0 fault, reverse, file value × weight, not yet
// reported — and none for an address owner.
func TestTrackersState(t *testing.T) {
	for _, c := range []struct {
		name string
		base uint8
		want []TrackerState
	}{
		{"priority 100", 100, []TrackerState{
			{TrackKindScript, "w", -10, -10, false},
			{TrackKindScript, "z", 0, 0, true},
			{TrackKindScript, "r", 10, -10, false},
			{TrackKindFile, "f", 3, 6, false},
			{TrackKindProcess, "p", -20, 0, false},
		}},
		{"owner", OwnerPriority, []TrackerState{
			{TrackKindScript, "w", -10, 0, false},
			{TrackKindScript, "z", 0, 0, true},
			{TrackKindScript, "r", 10, 0, false},
			{TrackKindFile, "f", 3, 0, false},
			{TrackKindProcess, "p", -20, 0, false},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := testInstance("VI_1", c.base)
			in.TrackScripts = []TrackRef{{Name: "w"}, {Name: "z"}, {Name: "r"}}
			in.OptsRef().TrackFiles = []TrackRef{{Name: "f"}}
			in.OptsRef().TrackProcesses = []TrackRef{{Name: "p"}}
			defs := DefsFrom([]ScriptTracker{{Name: "w", Weight: -10}, {Name: "z"}, {Name: "r", Weight: 10, Reverse: true}},
				[]FileTracker{{Name: "f", Weight: 3, InitValue: 2}}, []ProcessTracker{{Name: "p", Weight: -20}})
			tr, err := NewTracking(&in, nil, defs)
			if err != nil {
				t.Fatal(err)
			}
			m, err := NewMachine(&in, MachineOptions{Addr: netip.MustParseAddr("192.0.2.20"), Tracking: tr})
			if err != nil {
				t.Fatal(err)
			}
			m.Handle(t0, TrackerUp(TrackKindScript, "w", false))
			m.Handle(t0, TrackerUp(TrackKindScript, "z", false))
			m.Handle(t0, TrackerUp(TrackKindScript, "r", true))
			if got := m.Trackers(); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Trackers() =\n%+v\nwant\n%+v", got, c.want)
			}
		})
	}
	in := testInstance("VI_1", 100)
	m, err := NewMachine(&in, MachineOptions{Addr: netip.MustParseAddr("192.0.2.20")})
	if err != nil || m.Trackers() != nil {
		t.Errorf("an instance without trackers: %v, %v", m.Trackers(), err)
	}
}
