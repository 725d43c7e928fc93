//go:build ipvskernel && linux

package ipvs

import "testing"

// BenchmarkKernelHealth1000 is one verdict on a virtual server of 1,000
// real servers against the real kernel (in its own namespace), alternating
// a server down and up: the figure the checker benchmark found at ~290 ms
// when every verdict dumped and diffed the whole service. Run in the VM:
// test/kernel/vmrun.sh ipvs.test -test.run '^$' -test.bench KernelHealth1000.
func BenchmarkKernelHealth1000(b *testing.B) {
	k, _ := newNSKernel(b)
	tb := &countingKernel{Backend: k}
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

// countingKernel counts operations and destination dumps on any backend.
type countingKernel struct {
	Backend
	applies, dumps int
}

func (c *countingKernel) Dests(s Service) ([]Dest, error) { c.dumps++; return c.Backend.Dests(s) }
func (c *countingKernel) Apply(op Op) error               { c.applies++; return c.Backend.Apply(op) }
