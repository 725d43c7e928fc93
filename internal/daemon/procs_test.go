package daemon

import "testing"

func TestVRRPProcs(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		env  string
		want int
	}{
		{"VRRP only (-P): one", Options{VRRPOnly: true}, "", 1},
		{"VRRP and checkers: the runtime's", Options{}, "", 0},
		{"checkers only (-C): the runtime's", Options{CheckOnly: true}, "", 0},
		{"-P and -C: the runtime's", Options{VRRPOnly: true, CheckOnly: true}, "", 0},
		{"-P with GOMAXPROCS set: the environment's", Options{VRRPOnly: true}, "2", 0},
	} {
		getenv := func(k string) string {
			if k == "GOMAXPROCS" {
				return tc.env
			}
			return ""
		}
		if got := vrrpProcs(tc.opts, getenv); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
