package daemon

import (
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
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

// A large configuration is loaded and first elected with the collector at
// a quarter of the live heap, and tuneMemory's work sets Go's default
// again; a small file, a missing one, or the operator's GOGC or GOMEMLIMIT
// leave the percentage alone. A large configuration's daemon gets its limit
// even when its heap is small at that moment.
func TestLowerStartGC(t *testing.T) {
	gcPercent := func() int { p := debug.SetGCPercent(defaultGCPercent); debug.SetGCPercent(p); return p }
	// tuneNow sets a limit when the test binary's heap is large enough.
	t.Cleanup(func() { debug.SetGCPercent(defaultGCPercent); debug.SetMemoryLimit(math.MaxInt64) })
	dir := t.TempDir()
	file := func(name string, size int64) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, size); err != nil {
			t.Fatal(err)
		}
		return p
	}
	large, small := file("large.conf", minStartFile), file("small.conf", minStartFile-1)
	for _, c := range []struct {
		name, path string
		env        map[string]string
		lowered    bool
	}{
		{"large file", large, nil, true},
		{"small file", small, nil, false},
		{"no file", filepath.Join(dir, "missing.conf"), nil, false},
		{"operator's GOGC", large, map[string]string{"GOGC": "100"}, false},
		{"operator's GOMEMLIMIT", large, map[string]string{"GOMEMLIMIT": "1GiB"}, false},
	} {
		debug.SetGCPercent(defaultGCPercent)
		if got := lowerStartGC(c.path, func(k string) string { return c.env[k] }); got != c.lowered {
			t.Errorf("%s: lowered %v, want %v", c.name, got, c.lowered)
		}
		want := defaultGCPercent
		if c.lowered {
			want = startGCPercent
		}
		if p := gcPercent(); p != want {
			t.Errorf("%s: GC percent %d during start-up, want %d", c.name, p, want)
		}
		tuneNow(slog.New(slog.NewTextHandler(io.Discard, nil)), c.lowered)
		if p := gcPercent(); p != defaultGCPercent {
			t.Errorf("%s: GC percent %d once tuned, want %d", c.name, p, defaultGCPercent)
		}
		// A large configuration gets its limit whatever the heap holds:
		// this test's heap is far under minTuned.
		if limit := debug.SetMemoryLimit(-1); c.lowered && limit == math.MaxInt64 {
			t.Errorf("%s: no memory limit once tuned", c.name)
		}
		debug.SetMemoryLimit(math.MaxInt64)
	}
}
