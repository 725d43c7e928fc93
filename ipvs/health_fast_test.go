package ipvs

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// tallyBackend counts what a reconciler asks of the table: Apply calls
// (operations) and destination dumps (the read that made Health O(n)).
type tallyBackend struct {
	*Memory
	applies, dumps int
}

func (c *tallyBackend) Dests(s Service) ([]Dest, error) { c.dumps++; return c.Memory.Dests(s) }
func (c *tallyBackend) Apply(op Op) error               { c.applies++; return c.Memory.Apply(op) }

func (c *tallyBackend) reset() { c.applies, c.dumps = 0, 0 }

// bigVS is one virtual server with n real servers 198.51.100.x:port.
func bigVS(n int) VirtualServer {
	v := vs("192.0.2.1:80")
	for i := range n {
		v.Reals = append(v.Reals, rs(fmt.Sprintf("198.51.100.%d:%d", 1+i%250, 8000+i/250), 1))
	}
	return v
}

// TestHealthOneOpOn1000: a verdict on a 1,000-destination virtual server is
// one operation and no dump, whatever it changes.
func TestHealthOneOpOn1000(t *testing.T) {
	v := bigVS(1000)
	inh := true
	v.Reals[5].Inhibit = &inh
	b := &tallyBackend{Memory: NewMemory()}
	r := NewReconciler(b, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	k := key("192.0.2.1:80")
	steps := []struct {
		h    Health
		want string
	}{
		{Health{Real: v.Reals[3].Addr}, "del-dest 192.0.2.1:80/TCP 198.51.100.4:8000/1"},
		{Health{Real: v.Reals[3].Addr, Up: true}, "add-dest 192.0.2.1:80/TCP 198.51.100.4:8000/1"},
		{Health{Real: v.Reals[5].Addr}, "update-dest 192.0.2.1:80/TCP 198.51.100.6:8000/0"},
		{Health{Real: v.Reals[5].Addr, Up: true, Weight: 7, HasWeight: true}, "update-dest 192.0.2.1:80/TCP 198.51.100.6:8000/7"},
		{Health{Real: v.Reals[999].Addr, Up: true, Weight: 3, HasWeight: true}, "update-dest 192.0.2.1:80/TCP 198.51.100.250:8003/3"},
	}
	for i, s := range steps {
		s.h.Service = v.Key()
		b.reset()
		rep, err := r.Health(s.h)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if b.applies != 1 || b.dumps != 0 {
			t.Errorf("step %d: %d operations, %d destination dumps; want 1 and 0", i, b.applies, b.dumps)
		}
		if got := opStrings(rep.Ops); got != s.want {
			t.Errorf("step %d: ops %s, want %s", i, got, s.want)
		}
	}
	// An unchanged verdict costs nothing at all.
	b.reset()
	if _, err := r.Health(Health{Service: v.Key(), Real: v.Reals[3].Addr, Up: true}); err != nil || b.applies+b.dumps != 0 {
		t.Errorf("repeated verdict: %d operations, %d dumps, %v", b.applies, b.dumps, err)
	}
	if got := len(b.Table()[k].Dests); got != 1000 {
		t.Errorf("%d destinations left", got)
	}
}

// TestHealthSorryFlipNoRead: the quorum flip that swaps the sorry server in
// changes every live destination, still without reading the table.
func TestHealthSorryFlipNoRead(t *testing.T) {
	v := bigVS(100)
	v.Quorum = 100
	sorry := rs("198.51.100.251:80", 4)
	v.EditOptions().Sorry = &sorry
	b := &tallyBackend{Memory: NewMemory()}
	r := NewReconciler(b, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	k := key("192.0.2.1:80")
	b.reset()
	rep, err := r.Health(Health{Service: v.Key(), Real: v.Reals[0].Addr})
	if err != nil {
		t.Fatal(err)
	}
	if b.dumps != 0 || b.applies != 101 || weights(b.Memory, k) != "198.51.100.251:80=4" {
		t.Fatalf("quorum lost: %d ops, %d dumps, table %s", b.applies, b.dumps, weights(b.Memory, k))
	}
	if actStrings(rep.Actions) != "notify_down 192.0.2.1:80/TCP 198.51.100.1:8000; quorum_down 192.0.2.1:80/TCP" {
		t.Fatalf("actions %s", actStrings(rep.Actions))
	}
	b.reset()
	if _, err := r.Health(Health{Service: v.Key(), Real: v.Reals[0].Addr, Up: true}); err != nil {
		t.Fatal(err)
	}
	if b.dumps != 0 || b.applies != 101 || len(b.Table()[k].Dests) != 100 {
		t.Fatalf("quorum regained: %d ops, %d dumps\n%s", b.applies, b.dumps, b.Memory)
	}
}

// TestHealthResyncsDrift: when the table was changed by hand and an
// operation is refused, the service is read back and diffed, and the
// verdict still takes effect without an error.
func TestHealthResyncsDrift(t *testing.T) {
	k := key("192.0.2.1:80")
	s := svc(k, "wrr")
	// down: real servers failed through the reconciler before the hand
	// edit. drifted: a hand edit no operation trips over stays, as after
	// a reload (keepalived does not restore it either).
	tests := []struct {
		name    string
		down    string
		hand    []Op
		h       Health
		table   string
		dumps   int
		drifted bool
	}{
		{"dest deleted, then down", "", []Op{{Kind: DelDest, Service: s, Dest: dest("198.51.100.1:80", 1)}},
			Health{Real: netip.MustParseAddrPort("198.51.100.1:80")}, "198.51.100.2:80=1 198.51.100.3:80=1", 1, false},
		{"dest changed, then down", "", []Op{{Kind: UpdateDest, Service: s, Dest: dest("198.51.100.2:80", 9)}},
			Health{Real: netip.MustParseAddrPort("198.51.100.1:80")}, "198.51.100.2:80=9 198.51.100.3:80=1", 0, true},
		{"failed dest added by hand, then up", "198.51.100.3:80", []Op{{Kind: AddDest, Service: s, Dest: dest("198.51.100.3:80", 5)}},
			Health{Real: netip.MustParseAddrPort("198.51.100.3:80"), Up: true}, "198.51.100.1:80=1 198.51.100.2:80=1 198.51.100.3:80=1", 1, false},
		{"service deleted", "", []Op{{Kind: DelService, Service: s}},
			Health{Real: netip.MustParseAddrPort("198.51.100.2:80")}, "198.51.100.1:80=1 198.51.100.3:80=1", 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := vs("192.0.2.1:80", rs("198.51.100.1:80", 1), rs("198.51.100.2:80", 1), rs("198.51.100.3:80", 1))
			b := &tallyBackend{Memory: NewMemory()}
			r := NewReconciler(b, nil)
			mustLoad(t, r, Config{Servers: []VirtualServer{v}})
			if tc.down != "" {
				if _, err := r.Health(Health{Service: v.Key(), Real: netip.MustParseAddrPort(tc.down)}); err != nil {
					t.Fatal(err)
				}
			}
			for _, op := range tc.hand {
				if err := b.Apply(op); err != nil {
					t.Fatal(err)
				}
			}
			b.reset()
			tc.h.Service = v.Key()
			if _, err := r.Health(tc.h); err != nil {
				t.Fatal(err)
			}
			if got := weights(b.Memory, k); got != tc.table || b.dumps != tc.dumps {
				t.Fatalf("table %s after %d dumps, want %s after %d", got, b.dumps, tc.table, tc.dumps)
			}
			if !tc.drifted {
				checkRecord(t, r, b.Memory, k)
			}
		})
	}
}

// checkRecord asserts that the reconciler's last-applied record of k is
// what the table holds.
func checkRecord(t *testing.T, r *Reconciler, m *Memory, k ServiceKey) {
	t.Helper()
	got, want := r.last[k], m.Table()[k]
	if got == nil || want == nil || !got.Service.Equal(want.Service) || !sameDests(got, want) {
		t.Fatalf("record of %s drifted from the table:\nrecord %+v\ntable\n%s", k, got, m)
	}
}

// TestHealthMatchesFullDiff drives random verdicts through virtual servers
// with every option that shapes the destination set (inhibit, dynamic
// weights, quorum with hysteresis, sorry server with and without inhibit)
// and checks after each one that the incremental path left the table and
// its record exactly where a full recomputation puts them.
func TestHealthMatchesFullDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 40 {
		v := bigVS(2 + rng.IntN(12))
		v.Quorum, v.EditOptions().Hysteresis = rng.IntN(20), rng.IntN(3)
		v.InhibitOnFailure = rng.IntN(2) == 0
		for i := range v.Reals {
			v.Reals[i].Weight = rng.IntN(4)
			if rng.IntN(3) == 0 {
				inh := rng.IntN(2) == 0
				v.Reals[i].Inhibit = &inh
			}
		}
		if rng.IntN(3) > 0 {
			sorry := rs("198.51.100.251:80", 1+rng.IntN(3))
			v.EditOptions().Sorry, v.EditOptions().SorryInhibit = &sorry, rng.IntN(2) == 0
		}
		v.Alpha = rng.IntN(2) == 0
		m := NewMemory()
		r := NewReconciler(m, nil)
		mustLoad(t, r, Config{Servers: []VirtualServer{v}})
		k := key("192.0.2.1:80")
		st := r.vs[v.Key()]
		for step := range 60 {
			h := Health{Service: v.Key(), Real: v.Reals[rng.IntN(len(v.Reals))].Addr, Up: rng.IntN(2) == 0}
			if rng.IntN(3) == 0 {
				h.Weight, h.HasWeight = rng.IntN(5), true
			}
			if _, err := r.Health(h); err != nil {
				t.Fatalf("round %d step %d: %v", round, step, err)
			}
			if st.sum != st.weightSum() {
				t.Fatalf("round %d step %d: running weight %d, real %d", round, step, st.sum, st.weightSum())
			}
			want, err := st.dests(4)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Table()[k]; !sameDests(got, &Entry{Dests: want}) {
				t.Fatalf("round %d step %d (%+v): table\n%s\nwant %v", round, step, h, m, want)
			}
			checkRecord(t, r, m, k)
		}
	}
}

// BenchmarkHealth1000 is one verdict on a virtual server of 1,000 real
// servers against the in-memory table, alternating a server down and up;
// ops is table operations per verdict.
func BenchmarkHealth1000(b *testing.B) { benchHealth1000(b, NewMemory()) }

// benchHealth1000 loads a virtual server of 1,000 real servers into
// backend, then flaps one server at a time, reporting table operations and
// destination dumps per verdict.
func benchHealth1000(b *testing.B, backend Backend) {
	tb := &countingBackend{Backend: backend}
	r := NewReconciler(tb, nil)
	v := bigVS(1000)
	if _, err := r.Load(Config{Servers: []VirtualServer{v}}); err != nil {
		b.Fatal(err)
	}
	tb.applies, tb.dumps = 0, 0
	n := 0
	for b.Loop() {
		h := Health{Service: v.Key(), Real: v.Reals[(n/2*7)%1000].Addr, Up: n%2 == 1}
		if _, err := r.Health(h); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(tb.applies)/float64(n), "ops/verdict")
	b.ReportMetric(float64(tb.dumps)/float64(n), "dumps/verdict")
}

// countingBackend counts operations and destination dumps on any backend.
type countingBackend struct {
	Backend
	applies, dumps int
}

func (c *countingBackend) Dests(s Service) ([]Dest, error) { c.dumps++; return c.Backend.Dests(s) }
func (c *countingBackend) Apply(op Op) error               { c.applies++; return c.Backend.Apply(op) }
