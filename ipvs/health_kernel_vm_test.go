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
	benchHealth1000(b, k)
}
