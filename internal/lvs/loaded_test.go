package lvs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/govrrpd/govrrpd/ipvs"
)

// TestLoadedAfterStartAndReload: Loaded runs once the table is applied
// and the checkers started, at start and at each reload (the daemon
// re-tunes its memory limit then, when the heap has its new size).
func TestLoadedAfterStartAndReload(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "weight"), []byte("1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	s := New(Options{Log: quiet, NewBackend: func() (ipvs.Backend, error) { return ipvs.NewMemory(), nil },
		Loaded: func() { calls.Add(1) }})
	cfg := load(t, dir, fileConf)
	s.Start(ctx, cfg)
	t.Cleanup(s.Stop)
	count := func(want int32) func() string {
		return func() string {
			if n := calls.Load(); n != want {
				return fmt.Sprintf("Loaded ran %d times, want %d", n, want)
			}
			if real(s.Snapshot(), "TCP 192.0.2.10:80", "198.51.100.1:80").Key == "" {
				return "the real server is not in the table"
			}
			return ""
		}
	}
	eventually(t, "after start", count(1))
	s.Reload(ctx, cfg)
	eventually(t, "after a reload", count(2))
}
