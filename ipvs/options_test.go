package ipvs

import (
	"reflect"
	"testing"
)

// Options read as zero when none is given, EditOptions creates them once,
// and DropEmptyOptions leaves a server that means the same as one that
// never had any equal to it.
func TestOptionsAndDropEmpty(t *testing.T) {
	var v VirtualServer
	if o := v.Options(); !reflect.ValueOf(o).IsZero() {
		t.Fatalf("no options given: %+v", o)
	}
	v.EditOptions().Hysteresis = 2
	v.EditOptions().SNMPName = "web"
	if o := v.Options(); o.Hysteresis != 2 || o.SNMPName != "web" {
		t.Fatalf("edited: %+v", o)
	}
	cases := []struct {
		name     string
		vs       VirtualServer
		vsOpts   bool // Opts left set
		realOpts []bool
	}{
		{"none", VirtualServer{Reals: []RealServer{{}}}, false, []bool{false}},
		{"empty ones dropped", VirtualServer{Opts: &VirtualOptions{}, Reals: []RealServer{{Opts: &RealOptions{}}}}, false, []bool{false}},
		{"empty slice is zero", VirtualServer{Opts: &VirtualOptions{SchedFlags: nil}}, false, nil},
		{"set ones kept", VirtualServer{Opts: &VirtualOptions{Hysteresis: 1},
			Reals: []RealServer{{Opts: &RealOptions{SNMPName: "a"}}, {Opts: &RealOptions{}}}}, true, []bool{true, false}},
	}
	for _, tc := range cases {
		tc.vs.DropEmptyOptions()
		if (tc.vs.Opts != nil) != tc.vsOpts {
			t.Errorf("%s: virtual server Opts %+v", tc.name, tc.vs.Opts)
		}
		for i, want := range tc.realOpts {
			if (tc.vs.Reals[i].Opts != nil) != want {
				t.Errorf("%s: real server %d Opts %+v", tc.name, i, tc.vs.Reals[i].Opts)
			}
		}
	}
}
