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

// TestPlanCheckers: a checker whose settings change is listed as changed,
// one that goes as removed; one that only moved lines is not listed.
func TestPlanCheckers(t *testing.T) {
	dir := t.TempDir()
	old := load(t, dir, planned)
	moved := load(t, dir, "\n\n"+planned)
	if changes, err := PlanFrom(old, moved); err != nil || len(changes) != 0 {
		t.Errorf("lines moved: %+v, %v", changes, err)
	}
	longer := load(t, dir, strings.Replace(planned, "connect_timeout 1", "connect_timeout 3", 1))
	changes, err := PlanFrom(old, longer)
	if err != nil || len(changes) != 1 || changes[0].Kind != "checker" || changes[0].Op != "change" {
		t.Errorf("connect_timeout changed: %+v, %v", changes, err)
	}
	gone := load(t, dir, strings.Replace(planned, "TCP_CHECK {\n            connect_timeout 1\n        }", "", 1))
	changes, err = PlanFrom(old, gone)
	if err != nil || len(changes) != 1 || changes[0].Op != "remove" || !strings.HasPrefix(changes[0].Object, "TCP_CHECK at ") {
		t.Errorf("checker removed: %+v, %v", changes, err)
	}
}
