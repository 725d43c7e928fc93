package snmpmib

import (
	"fmt"
	"testing"
)

// BenchmarkBuild4000 builds the view of a 4,000-instance daemon, the
// scale target of issue #12: what one second of walking costs at most.
func BenchmarkBuild4000(b *testing.B) {
	d := snapshot()
	base := d.Instances[0]
	d.Instances = d.Instances[:0]
	for i := range 4000 {
		in := base
		in.Name, in.VRID, in.Interface = fmt.Sprint("VI_", i), uint8(i%255+1), fmt.Sprint("eth", i/255)
		d.Instances = append(d.Instances, in)
	}
	h := host()
	b.ReportAllocs()
	for b.Loop() {
		v := Build(d, h, KeepalivedVRRP|RFCv2|RFCv3)
		if v.Len() < 4000*10 {
			b.Fatalf("%d objects", v.Len())
		}
	}
}
