package ipvs

import (
	"net/netip"
	"strings"
	"testing"
)

// TestHealthWeightDelta: FILE_CHECK's value × weight reaches the table as
// the configured (or misc_dynamic) weight plus the delta, clamped to
// [0, MaxWeight] as keepalived's real_weight() clamps, and it counts for
// quorum.
func TestHealthWeightDelta(t *testing.T) {
	v := vs("192.0.2.1:80", rs("198.51.100.1:80", 10), rs("198.51.100.2:80", 5))
	v.Quorum = 8
	m := NewMemory()
	r := NewReconciler(m, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	k := key("192.0.2.1:80")
	a := v.Reals[0].Addr
	steps := []struct {
		name string
		h    Health
		want string
		acts string
	}{
		{"file adds", Health{Real: a, Up: true, WeightDelta: 7}, "198.51.100.1:80=17 198.51.100.2:80=5", ""},
		{"file subtracts", Health{Real: a, Up: true, WeightDelta: -4}, "198.51.100.1:80=6 198.51.100.2:80=5", ""},
		{"clamped at 0", Health{Real: a, Up: true, WeightDelta: -50}, "198.51.100.1:80=0 198.51.100.2:80=5",
			"quorum_down 192.0.2.1:80/TCP"},
		{"clamped at max", Health{Real: a, Up: true, WeightDelta: MaxWeight}, "198.51.100.1:80=2147483647 198.51.100.2:80=5",
			"quorum_up 192.0.2.1:80/TCP"},
		{"on top of misc_dynamic", Health{Real: a, Up: true, Weight: 3, HasWeight: true, WeightDelta: 2},
			"198.51.100.1:80=5 198.51.100.2:80=5", ""},
		{"delta cleared", Health{Real: a, Up: true, Weight: 3, HasWeight: true}, "198.51.100.1:80=3 198.51.100.2:80=5", ""},
	}
	for _, s := range steps {
		s.h.Service = v.Key()
		rep, err := r.Health(s.h)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := weights(m, k); got != s.want {
			t.Errorf("%s: table %s, want %s", s.name, got, s.want)
		}
		if got := actStrings(rep.Actions); got != s.acts {
			t.Errorf("%s: actions %q, want %q", s.name, got, s.acts)
		}
	}
}

// TestReloadKeepsWeightDelta: a reload that keeps the real server keeps
// the FILE_CHECK adjustment, so the table is not touched.
func TestReloadKeepsWeightDelta(t *testing.T) {
	v := vs("192.0.2.1:80", rs("198.51.100.1:80", 10))
	m := NewMemory()
	r := NewReconciler(m, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	if _, err := r.Health(Health{Service: v.Key(), Real: v.Reals[0].Addr, Up: true, WeightDelta: 5}); err != nil {
		t.Fatal(err)
	}
	rep := mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	if len(rep.Ops) != 0 {
		t.Errorf("reload issued %s", opStrings(rep.Ops))
	}
	if got := weights(m, key("192.0.2.1:80")); got != "198.51.100.1:80=15" {
		t.Errorf("table %s", got)
	}
}

// TestDrain: a drained server stays in the table at weight 0 whatever the
// checkers say, undrain restores its weight, and a reload keeps the drain.
func TestDrain(t *testing.T) {
	v := vs("192.0.2.1:80", rs("198.51.100.1:80", 10), rs("198.51.100.2:80", 5))
	m := NewMemory()
	r := NewReconciler(m, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	k := key("192.0.2.1:80")
	a := v.Reals[0].Addr
	step := func(name string, f func() (Report, error), want, ops string) {
		t.Helper()
		rep, err := f()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := weights(m, k); got != want {
			t.Errorf("%s: table %s, want %s", name, got, want)
		}
		if got := opStrings(rep.Ops); got != ops {
			t.Errorf("%s: ops %q, want %q", name, got, ops)
		}
	}
	drain := func(on bool) func() (Report, error) { return func() (Report, error) { return r.Drain(v.Key(), a, on) } }
	health := func(h Health) func() (Report, error) {
		h.Service, h.Real = v.Key(), a
		return func() (Report, error) { return r.Health(h) }
	}
	step("drain", drain(true), "198.51.100.1:80=0 198.51.100.2:80=5", "update-dest 192.0.2.1:80/TCP 198.51.100.1:80/0")
	step("drain again", drain(true), "198.51.100.1:80=0 198.51.100.2:80=5", "")
	step("weight while drained", health(Health{Up: true, WeightDelta: 4}), "198.51.100.1:80=0 198.51.100.2:80=5", "")
	step("reload", func() (Report, error) { return r.Load(Config{Servers: []VirtualServer{v}}) },
		"198.51.100.1:80=0 198.51.100.2:80=5", "")
	if vw := r.View(false); !vw[0].Reals[0].Drained || vw[0].Reals[0].Current != 0 || vw[0].Reals[0].Configured != 10 {
		t.Errorf("view after reload: %+v", vw[0].Reals[0])
	}
	step("undrain", drain(false), "198.51.100.1:80=14 198.51.100.2:80=5", "update-dest 192.0.2.1:80/TCP 198.51.100.1:80/14")
	step("down", health(Health{}), "198.51.100.2:80=5", "del-dest 192.0.2.1:80/TCP 198.51.100.1:80/14")
	step("drain while down", drain(true), "198.51.100.2:80=5", "")
	step("up while drained", health(Health{Up: true}), "198.51.100.1:80=0 198.51.100.2:80=5", "add-dest 192.0.2.1:80/TCP 198.51.100.1:80/0")
	for _, bad := range []struct{ vs, rs string }{{"192.0.2.9:80/TCP", "198.51.100.1:80"}, {v.Key(), "198.51.100.9:80"}} {
		_, err := r.Drain(bad.vs, netip.MustParseAddrPort(bad.rs), true)
		if err == nil || !strings.Contains(err.Error(), "198.51.100") && !strings.Contains(err.Error(), "192.0.2.9") {
			t.Errorf("drain %s %s: err %v, want one naming it", bad.vs, bad.rs, err)
		}
	}
}

// TestDrainQuorum: draining counts as weight 0 for quorum, so draining the
// last server brings the sorry server in, and undraining takes it out.
func TestDrainQuorum(t *testing.T) {
	v := vs("192.0.2.1:80", rs("198.51.100.1:80", 1))
	sorry := rs("198.51.100.99:80", 1)
	v.EditOptions().Sorry = &sorry
	m := NewMemory()
	r := NewReconciler(m, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	rep, err := r.Drain(v.Key(), v.Reals[0].Addr, true)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := actStrings(rep.Actions), "quorum_down 192.0.2.1:80/TCP"; got != want {
		t.Errorf("drain actions %q, want %q", got, want)
	}
	if got, want := weights(m, key("192.0.2.1:80")), "198.51.100.99:80=1"; got != want {
		t.Errorf("drained: table %s, want %s", got, want)
	}
	if _, err := r.Drain(v.Key(), v.Reals[0].Addr, false); err != nil {
		t.Fatal(err)
	}
	if got, want := weights(m, key("192.0.2.1:80")), "198.51.100.1:80=1"; got != want {
		t.Errorf("undrained: table %s, want %s", got, want)
	}
}
