package ipvs

import (
	"net/netip"
	"testing"
)

// statsBackend is an in-memory table whose counters are its destinations'
// weights, so a test can tell which destination's counters went where.
type statsBackend struct{ *Memory }

func (b statsBackend) ServiceStats(s Service) (Stats, map[netip.AddrPort]Stats, error) {
	ds, err := b.Dests(s)
	if err != nil {
		return Stats{}, nil, err
	}
	var tot Stats
	per := map[netip.AddrPort]Stats{}
	for _, d := range ds {
		x := Stats{Conns: uint64(d.Weight), InPkts: 1}
		per[d.Addr] = x
		tot.add(x)
	}
	return tot, per, nil
}

// TestView: weights, health and drain per real server, and the kernel's
// counters per service and per destination where the backend keeps them.
func TestView(t *testing.T) {
	v := vs("192.0.2.1:80", rs("198.51.100.1:80", 10), rs("198.51.100.2:80", 5))
	r := NewReconciler(statsBackend{NewMemory()}, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	if _, err := r.Health(Health{Service: v.Key(), Real: v.Reals[1].Addr}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Drain(v.Key(), v.Reals[0].Addr, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Health(Health{Service: v.Key(), Real: v.Reals[0].Addr, Up: true, WeightDelta: 3}); err != nil {
		t.Fatal(err)
	}
	vw := r.View(true)
	if len(vw) != 1 {
		t.Fatalf("view %+v", vw)
	}
	got := vw[0]
	want := []RealView{
		{Addr: v.Reals[0].Addr, Configured: 10, Current: 0, Alive: true, Drained: true, Stats: Stats{InPkts: 1}},
		{Addr: v.Reals[1].Addr, Configured: 5, Current: 0, Alive: false},
	}
	for i := range want {
		if got.Reals[i] != want[i] {
			t.Errorf("real %d: %+v, want %+v", i, got.Reals[i], want[i])
		}
	}
	if got.Stats != (Stats{InPkts: 1}) {
		t.Errorf("service counters %+v", got.Stats)
	}
	if _, err := r.Drain(v.Key(), v.Reals[0].Addr, false); err != nil {
		t.Fatal(err)
	}
	got = r.View(true)[0]
	if got.Reals[0].Current != 13 || got.Reals[0].Stats.Conns != 13 || got.Stats.Conns != 13 {
		t.Errorf("undrained: %+v", got)
	}
	if r.View(false)[0].Stats != (Stats{}) {
		t.Error("counters read without stats")
	}
}
