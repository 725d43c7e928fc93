package daemon

import (
	"strings"
	"testing"
	"time"
)

// The limit waits for the first election: the longest master-down
// interval, a second of skew and two seconds of takeovers.
func TestFirstElection(t *testing.T) {
	h := newHarness(t, twoInstances+strings.NewReplacer("VI_1", "VI_5", "virtual_router_id 1", "virtual_router_id 5",
		"advert_int 1", "advert_int 4", "192.0.2.100", "192.0.2.105").Replace(instanceText("VI_1", "eth0", 1, 150, "192.0.2.100/24")),
		"eth0=192.0.2.1")
	if got, want := firstElection(h.d.cfg), 3*4*time.Second+3*time.Second; got != want {
		t.Errorf("firstElection = %v, want %v", got, want)
	}
}

// The operator's GOGC or GOMEMLIMIT leaves the runtime alone; the margin
// is a quarter of what is held, never under 4 MiB.
func TestMemoryTuning(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, true},
		{map[string]string{"GOGC": "200"}, false},
		{map[string]string{"GOGC": "off"}, false},
		{map[string]string{"GOMEMLIMIT": "64MiB"}, false},
		{map[string]string{"GOFLAGS": "-x"}, true},
	} {
		if got := memoryTuned(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("env %v: tuned %v, want %v", c.env, got, c.want)
		}
	}
	for _, c := range []struct{ held, want uint64 }{
		{1 << 20, 4 << 20},
		{16 << 20, 4 << 20},
		{40 << 20, 10 << 20},
		{400 << 20, 100 << 20},
	} {
		if got := memHeadroom(c.held); got != c.want {
			t.Errorf("memHeadroom(%d MiB) = %d MiB, want %d MiB", c.held>>20, got>>20, c.want>>20)
		}
	}
}
