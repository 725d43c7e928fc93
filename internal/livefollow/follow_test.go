package livefollow

import (
	"context"
	"testing"

	"github.com/govrrpd/govrrpd/internal/status"
)

// snap is a Source without Live: followed through its snapshots.
type snap struct{ d status.Daemon }

func (s *snap) Snapshot(context.Context) (status.Daemon, error) { return s.d, nil }

func inst(name, state string) status.Instance {
	return status.Instance{Name: name, State: state, EffectivePriority: 100, MasterAddr: "192.0.2.1"}
}

// Each step's sample is what changed since the previous one: every row
// first, nothing when nothing changed, a state change as a row and a
// transition, a removed instance as a nil row, a new hash as the daemon row.
func TestSampleSteps(t *testing.T) {
	steps := []struct {
		name  string
		d     status.Daemon
		rows  []string // ids sent; a "-" prefix: sent as removed
		trans int
	}{
		{"first", status.Daemon{ConfigHash: "a", Instances: []status.Instance{inst("VI_1", "BACKUP"), inst("VI_2", "BACKUP")}},
			[]string{"daemon", "i-VI_1", "i-VI_2"}, 0},
		{"steady", status.Daemon{ConfigHash: "a", Instances: []status.Instance{inst("VI_1", "BACKUP"), inst("VI_2", "BACKUP")}},
			nil, 0},
		{"failover", status.Daemon{ConfigHash: "a", Instances: []status.Instance{inst("VI_1", "MASTER"), inst("VI_2", "BACKUP")}},
			[]string{"i-VI_1"}, 1},
		{"removed and reloaded", status.Daemon{ConfigHash: "b", Instances: []status.Instance{inst("VI_1", "MASTER")}},
			[]string{"daemon", "-i-VI_2"}, 0},
	}
	s := &snap{}
	var f Follower
	for _, st := range steps {
		s.d = st.d
		rows, trans, err := f.Sample(t.Context(), s)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if len(rows) != len(st.rows) || len(trans) != st.trans {
			t.Fatalf("%s: rows %v, transitions %v; want %v and %d", st.name, rows, trans, st.rows, st.trans)
		}
		for _, id := range st.rows {
			r, ok := rows[id]
			if id[0] == '-' {
				r, ok = rows[id[1:]]
				if !ok || r != nil {
					t.Errorf("%s: %s not sent as removed: %v", st.name, id[1:], rows)
				}
				continue
			}
			if !ok || r == nil {
				t.Errorf("%s: row %s missing: %v", st.name, id, rows)
			}
		}
	}
}
