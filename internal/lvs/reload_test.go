package lvs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/ipvs"
)

// TestReloadKeepsCheckers: a reload that changes a weight, or drops a
// real server and moves every later line, keeps the running scheduler
// (its checkers' timers and verdicts); a changed checker setting starts a
// new one. The table follows the file either way, with the one operation
// the change needs, read from the changed virtual server alone.
func TestReloadKeepsCheckers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.conf")
	loaded := make(chan struct{}, 1)
	mem := &tally{Memory: ipvs.NewMemory()}
	s := New(Options{Log: quiet, NewBackend: func() (ipvs.Backend, error) { return mem, nil },
		Loaded: func() { loaded <- struct{}{} }})
	s.opts.Check.Jitter = func(max time.Duration) time.Duration { return max } // no probe in the test's time
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	apply := func(text []byte) {
		t.Helper()
		if err := os.WriteFile(path, text, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, diags := confparse.Load(path, confparse.Options{})
		if diags.ExitCode() != 0 {
			t.Fatalf("%s", diags)
		}
		if s.started() {
			s.Reload(ctx, cfg)
		} else {
			s.Start(ctx, cfg)
		}
		select {
		case <-loaded:
		case <-time.After(30 * time.Second):
			t.Fatal("not loaded")
		}
	}
	apply(farm(2, 3, 1))
	t.Cleanup(s.Stop)
	first := s.sched
	firstReal := "198.51.100.1:1024"
	dropLast := func(b []byte) []byte {
		blk := "    real_server 198.51.100.3 1024 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n"
		return []byte(strings.Replace(string(b), blk, "", 1))
	}
	steps := []struct {
		name   string
		text   []byte
		kept   bool
		reals  int
		weight int
		last   int // the last checker's line
		ops    int // IPVS operations
	}{
		{"a weight changed", farm(2, 3, 5), true, 6, 5, 47, 1},
		{"a real server dropped, later lines moved", dropLast(farm(2, 3, 5)), true, 5, 5, 41, 1},
		{"a connect_timeout changed", []byte(strings.Replace(string(dropLast(farm(2, 3, 5))), "connect_timeout 3", "connect_timeout 4", 1)), false, 5, 5, 41, 0},
	}
	for _, st := range steps {
		mem.Ops, mem.lists = 0, 0
		apply(st.text)
		// Only the changed virtual server is read back, never the
		// whole table.
		if mem.Ops != st.ops || mem.lists != 0 {
			t.Errorf("%s: %d IPVS operations, %d listings of the table; want %d, 0", st.name, mem.Ops, mem.lists, st.ops)
		}
		if kept := s.sched == first; kept != st.kept {
			t.Errorf("%s: scheduler kept %v, want %v", st.name, kept, st.kept)
		}
		first = s.sched
		if n := len(s.sched.Status()); n != st.reals || len(s.checkers) != st.reals {
			t.Errorf("%s: %d checkers running, %d listed; want %d", st.name, n, len(s.checkers), st.reals)
		}
		snap := s.Snapshot()
		if w := real(snap, "TCP 192.0.2.1:1024", firstReal).WeightCurrent; w != st.weight {
			t.Errorf("%s: weight %d in the table, want %d", st.name, w, st.weight)
		}
		n := 0
		for _, v := range snap {
			n += len(v.Reals)
		}
		if n != st.reals {
			t.Errorf("%s: %d real servers in the table, want %d", st.name, n, st.reals)
		}
		// The running checkers name the new file's lines: the last one
		// (the second virtual server's third) moved up six with the drop.
		want := fmt.Sprintf("%s:%d", path, st.last)
		if got := s.sched.Status()[st.reals-1].Source; got != want {
			t.Errorf("%s: last checker at %s, want %s", st.name, got, want)
		}
	}
}

// tally counts the listings of the whole table (Memory counts the
// operations).
type tally struct {
	*ipvs.Memory
	lists int
}

func (t *tally) Services() ([]ipvs.Service, error) { t.lists++; return t.Memory.Services() }
