package lvs

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
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

// scripts records the scripts the subsystem asks to run.
type scripts struct {
	mu  sync.Mutex
	ran []string
}

func (s *scripts) RunScript(sp script.Spec) {
	s.mu.Lock()
	s.ran = append(s.ran, sp.Raw)
	s.mu.Unlock()
}

// TestDrainRunsQuorumScripts: draining the only real server loses quorum,
// so quorum_down runs through the daemon's script queue and the sorry
// server takes over; undraining runs quorum_up.
func TestDrainRunsQuorumScripts(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sc := &scripts{}
	s := New(Options{Log: quiet, Scripts: sc, NewBackend: func() (ipvs.Backend, error) { return ipvs.NewMemory(), nil }})
	s.Start(ctx, load(t, dir, `
virtual_server 192.0.2.10 80 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    quorum_up /bin/qup
    quorum_down /bin/qdown
    sorry_server 198.51.100.99 80
    real_server 198.51.100.1 80 {
        weight 1
    }
}
`))
	defer s.Stop()
	if err := s.Drain("TCP 192.0.2.10:80", "198.51.100.1:80", true); err != nil {
		t.Fatal(err)
	}
	if vs := s.Snapshot(); len(vs) != 1 || vs[0].Quorum || !strings.Contains(string(s.Dump()), "198.51.100.99:80 weight 1") {
		t.Errorf("drained: snapshot %+v, dump %q", vs, s.Dump())
	}
	if err := s.Drain("TCP 192.0.2.10:80", "198.51.100.1:80", false); err != nil {
		t.Fatal(err)
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if got := strings.Join(sc.ran, ", "); got != "/bin/qdown, /bin/qup" {
		t.Errorf("scripts run: %s", got)
	}
}
