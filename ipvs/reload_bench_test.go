package ipvs

import (
	"fmt"
	"testing"
)

// BenchmarkReconcilerReloadNoChange is a reload of 10,000 services x 10
// destinations (the reload bench's table) that changes nothing, against
// the in-memory table: the reconciler's own share of a no-op reload.
func BenchmarkReconcilerReloadNoChange(b *testing.B) {
	cfg := Config{}
	for i := range 10000 {
		v := vs(fmt.Sprintf("192.0.%d.%d:%d", 2+i/2500, i%250, 1000+i%2500/250))
		for j := range 10 {
			v.Reals = append(v.Reals, rs(fmt.Sprintf("198.51.100.%d:8080", j+1), 1))
		}
		cfg.Servers = append(cfg.Servers, v)
	}
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
