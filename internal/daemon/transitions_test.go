package daemon

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// TestTransitionCounts: the snapshot counts each transition by from, to
// and the event that caused it (the transitions metric reads these).
func TestTransitionCounts(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	h.run("advance 4s")
	h.run("maintenance VI_1 on")
	h.run("advance 2s")
	got := h.d.snapshot().Instances[0].Stats.Transitions
	want := []status.TransitionCount{
		{From: "BACKUP", To: "MASTER", Reason: "master down timer", Count: 1},
		{From: "INIT", To: "BACKUP", Reason: "startup", Count: 1},
		{From: "MASTER", To: "BACKUP", Reason: "handover", Count: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("VI_1 transitions:\n%+v\nwant\n%+v", got, want)
	}
	// The rows are kept without room to spare (issue #12).
	if rows := h.d.insts[0].stats.trans; cap(rows) != len(rows) {
		t.Errorf("%d transition rows kept in room for %d", len(rows), cap(rows))
	}
}

// TestPlanAgainstRunning: Plan compares a file with the running
// configuration, from another goroutine, and changes nothing.
func TestPlanAgainstRunning(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	runLoop(t, h)
	next := filepath.Join(t.TempDir(), "next.conf")
	os.WriteFile(next, []byte(strings.Replace(twoInstances, "priority 150", "priority 200", 1)), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := h.d.Plan(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 || p.Changes[0].Object != "VI_1" || !p.Changes[0].KeepsState ||
		!strings.Contains(p.Changes[0].Detail, "priority 150 → 200") {
		t.Errorf("plan: %+v", p.Changes)
	}
	s, _ := h.d.Snapshot(ctx)
	if s.Instances[0].Priority != 150 || len(s.Reloads) != 0 {
		t.Errorf("plan changed the daemon: priority %d, reloads %d", s.Instances[0].Priority, len(s.Reloads))
	}
	os.WriteFile(next, []byte("vrrp_instance X {\n interface eth0\n virtual_router_id 999\n}\n"), 0o600)
	if p, err := h.d.Plan(ctx, next); err != nil || len(p.Errors) == 0 {
		t.Errorf("plan of an invalid file: %v %+v", err, p)
	}
}

// TestReloadStats: the counters outlive the history and name the last
// success.
func TestReloadStats(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	h.run("advance 1s")
	h.d.countReload(status.Reload{At: h.clock, Result: "applied"})
	h.d.countReload(status.Reload{At: h.clock.Add(time.Second), Result: "refused"})
	got := h.d.snapshot().ReloadStats
	if got.Total != 2 || got.Refused != 1 || !got.LastSuccess.Equal(h.clock) {
		t.Errorf("reload stats %+v", got)
	}
}
