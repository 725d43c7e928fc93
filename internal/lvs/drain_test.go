package lvs

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/govrrpd/govrrpd/ipvs"
)

const twoReals = `
virtual_server 192.0.2.10 80 {
    lb_algo wrr
    lb_kind DR
    protocol TCP
    real_server 198.51.100.1 80 {
        weight 10
    }
    real_server 198.51.100.2 80 {
        weight 5
    }
}
`

// TestDrainReloadSnapshot: a drain puts the real server at weight 0 in the
// table without removing it, a reload of the same file keeps it, the
// snapshot shows it, and undraining restores the configured weight.
func TestDrainReloadSnapshot(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := load(t, dir, twoReals)
	s := newMem(t, ctx, cfg)
	const vs = "TCP 192.0.2.10:80"
	table := func(want string) {
		t.Helper()
		if got := string(s.Dump()); !strings.Contains(got, want) {
			t.Errorf("dump %q, want it to hold %q", got, want)
		}
	}
	drained := func(want bool, weight int) {
		t.Helper()
		r := real(s.Snapshot(), vs, "198.51.100.1:80")
		if r.Drained != want || r.WeightCurrent != weight || r.WeightConfigured != 10 || !r.Healthy {
			t.Errorf("snapshot %+v, want drained %v at weight %d", r, want, weight)
		}
	}
	if err := s.Drain(vs, "198.51.100.1:80", true); err != nil {
		t.Fatal(err)
	}
	table("198.51.100.1:80 weight 0 DR")
	drained(true, 0)
	s.Reload(ctx, load(t, dir, twoReals))
	table("198.51.100.1:80 weight 0 DR")
	drained(true, 0)
	if err := s.Drain("192.0.2.10:80/TCP", "198.51.100.1:80", false); err != nil { // the log's key works too
		t.Fatal(err)
	}
	table("198.51.100.1:80 weight 10 DR")
	drained(false, 10)
	for _, bad := range [][2]string{{"TCP 192.0.2.99:80", "198.51.100.1:80"}, {vs, "198.51.100.9:80"}, {vs, "nonsense"}} {
		err := s.Drain(bad[0], bad[1], true)
		if err == nil || !strings.Contains(err.Error(), strings.Fields(bad[0] + " " + bad[1])[1]) && !strings.Contains(err.Error(), bad[1]) {
			t.Errorf("Drain(%q, %q): %v, want an error naming it", bad[0], bad[1], err)
		}
	}
}

// TestDrainWithoutIPVS: with no virtual server there is nothing to drain.
func TestDrainWithoutIPVS(t *testing.T) {
	s := New(Options{Log: quiet})
	if err := s.Drain("TCP 192.0.2.10:80", "198.51.100.1:80", true); err != ErrNotRunning {
		t.Errorf("err %v, want ErrNotRunning", err)
	}
	if s.Snapshot() != nil || string(s.Dump()) != "IPVS not in use\n" {
		t.Errorf("snapshot %v dump %q", s.Snapshot(), s.Dump())
	}
}

const planned = `
virtual_server 192.0.2.10 80 {
    lb_algo wrr
    lb_kind DR
    protocol TCP
    real_server 198.51.100.2 80 {
        weight 7
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
virtual_server 192.0.2.11 443 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 198.51.100.3 443 {
        weight 1
    }
}
`

// recording is an in-memory table that records the operations applied.
type recording struct {
	*ipvs.Memory
	mu  sync.Mutex
	ops []string
}

func (r *recording) Apply(op ipvs.Op) error {
	r.mu.Lock()
	r.ops = append(r.ops, op.String())
	r.mu.Unlock()
	return r.Memory.Apply(op)
}

func (r *recording) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.ops
	r.ops = nil
	return out
}

// TestPlanIsTheReload: the operations Plan lists for a new file are the
// ones the reload then issues, grouped per virtual server and real server,
// and the checkers it adds are listed.
func TestPlanIsTheReload(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := &recording{Memory: ipvs.NewMemory()}
	s := New(Options{Log: quiet, NewBackend: func() (ipvs.Backend, error) { return b, nil }})
	s.Start(ctx, load(t, dir, twoReals))
	defer s.Stop()
	s.wait(func() {})
	b.take()
	next := load(t, dir, planned)
	changes, err := s.Plan(next)
	if err != nil {
		t.Fatal(err)
	}
	var got, ops []string
	for _, c := range changes {
		got = append(got, strings.TrimSpace(fmt.Sprintf("%s %s %s %s %s", c.Kind, c.Op, c.Object, c.Parent, c.Detail)))
		ops = append(ops, c.Ops...)
	}
	want := []string{
		"real_server remove 198.51.100.1:80 TCP 192.0.2.10:80",
		"real_server change 198.51.100.2:80 TCP 192.0.2.10:80",
		"virtual_server add TCP 192.0.2.11:443",
		"checker add TCP_CHECK at " + filepath.Join(dir, "keepalived.conf") + ":8 TCP 192.0.2.10:80 198.51.100.2:80",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	s.Reload(ctx, next)
	s.wait(func() {})
	if done := b.take(); len(done) != 4 || strings.Join(done, "\n") != strings.Join(ops, "\n") {
		t.Errorf("reload did:\n%s\nplan said:\n%s", strings.Join(done, "\n"), strings.Join(ops, "\n"))
	}
	// Planned again, the same file changes nothing.
	if again, err := s.Plan(next); err != nil || len(again) != 0 {
		t.Errorf("plan of the running file: %+v, %v", again, err)
	}
}

// TestPlanFrom plans between two files with no daemon running.
func TestPlanFrom(t *testing.T) {
	dir := t.TempDir()
	old := load(t, dir, twoReals)
	next := load(t, dir, planned)
	changes, err := PlanFrom(old, next)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 4 || changes[2].Kind != "virtual_server" || len(changes[2].Ops) != 2 {
		t.Errorf("changes %+v", changes)
	}
}
