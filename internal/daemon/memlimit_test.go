package daemon

import (
	"testing"
	"time"
)

// The limit waits for the first election: the longest master-down
// interval, a second of skew, two seconds of takeovers, and the longest
// garp_master_delay of an instance that sends a second burst.
func TestFirstElection(t *testing.T) {
	slow := instanceText("VI_5", "eth0", 5, 150, "192.0.2.105/24", "advert_int 4")
	for _, c := range []struct {
		name, conf string
		want       time.Duration
	}{
		{"defaults", twoInstances + slow, 3*4*time.Second + 3*time.Second + 5*time.Second},
		{"no second burst", instanceText("VI_1", "eth0", 1, 150, "192.0.2.100/24", "garp_master_delay 0") +
			instanceText("VI_2", "eth0", 2, 100, "192.0.2.200/24", "garp_master_repeat 0"), 3*time.Second + 3*time.Second},
		{"a longer delay", twoInstances + instanceText("VI_3", "eth0", 3, 150, "192.0.2.103/24", "garp_master_delay 10"),
			3*time.Second + 3*time.Second + 10*time.Second},
	} {
		h := newHarness(t, c.conf, "eth0=192.0.2.1")
		if got := firstElection(h.d.cfg); got != c.want {
			t.Errorf("%s: firstElection = %v, want %v", c.name, got, c.want)
		}
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
