package ipvs

import (
	"fmt"
	"testing"
)

// benchSite is the reload bench's table: 10,000 services x 10
// destinations.
func benchSite() Config {
	cfg := Config{}
	for i := range 10000 {
		v := vs(fmt.Sprintf("192.0.%d.%d:%d", 2+i/2500, i%250, 1000+i%2500/250))
		for j := range 10 {
			v.Reals = append(v.Reals, rs(fmt.Sprintf("198.51.100.%d:8080", j+1), 1))
		}
		cfg.Servers = append(cfg.Servers, v)
	}
	return cfg
}

// BenchmarkReconcilerReloadNoChange is a reload of 10,000 services x 10
// destinations (the reload bench's table) that changes nothing, against
// the in-memory table: the reconciler's own share of a no-op reload.
func BenchmarkReconcilerReloadNoChange(b *testing.B) {
	cfg := benchSite()
	r := NewReconciler(NewMemory(), nil)
	if _, err := r.Load(cfg); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := r.Load(cfg)
		if err != nil || len(rep.Ops) != 0 {
			b.Fatalf("no-op reload: %d ops, %v", len(rep.Ops), err)
		}
	}
}

// BenchmarkReconcilerReloadOneChange is the reload bench's one-weight
// case at 10,000 x 10: the whole Load against LoadChanged with Compare's
// changes (Compare's own cost included).
func BenchmarkReconcilerReloadOneChange(b *testing.B) {
	for _, mode := range []string{"full", "changed"} {
		b.Run(mode, func(b *testing.B) {
			cfgs := [2]Config{benchSite(), benchSite()}
			cfgs[1].Servers[0].Reals[0].Weight = 2
			r := NewReconciler(NewMemory(), nil)
			if _, err := r.Load(cfgs[0]); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				old, next := cfgs[i%2], cfgs[(i+1)%2]
				i++
				var rep Report
				var err error
				if mode == "full" {
					rep, err = r.Load(next)
				} else {
					rep, err = r.LoadChanged(next, Compare(old, next))
				}
				if err != nil || len(rep.Ops) != 1 {
					b.Fatalf("one weight: %s, %v", opStrings(rep.Ops), err)
				}
			}
		})
	}
}
