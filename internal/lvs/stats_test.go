package lvs

import (
	"context"
	"maps"
	"testing"
)

// TestReconcileStatsFollowTable: the counters the API and /metrics show
// are the reconciler's, moved by the start's apply and by a drain.
func TestReconcileStatsFollowTable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := New(Options{Log: quiet})
	if st := s.ReconcileStats(); len(st.Ops) != 0 || st.Errors != 0 {
		t.Errorf("before start: %+v", st)
	}
	s = newMem(t, ctx, load(t, t.TempDir(), twoReals))
	if err := s.Drain("TCP 192.0.2.10:80", "198.51.100.1:80", true); err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{"add-service": 1, "add-dest": 2, "update-dest": 1}
	if st := s.ReconcileStats(); !maps.Equal(st.Ops, want) || st.Errors != 0 {
		t.Errorf("stats %+v, want ops %v and no error", st, want)
	}
}
