package daemon

import "testing"

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
