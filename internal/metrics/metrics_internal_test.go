package metrics

import (
	"fmt"
	"io"
	"testing"
)

// many is a collector of n series.
type many struct {
	d *Desc
	n int
}

func (c many) Describe() []*Desc { return []*Desc{c.d} }
func (c many) Collect(s *Sink) {
	for i := range c.n {
		s.Emit(c.d, float64(i), fmt.Sprint(i))
	}
}

// TestLargeScrapeLetsGo: a registry keeps a small scrape's buffers for
// the next one, and lets a large one's go.
func TestLargeScrapeLetsGo(t *testing.T) {
	for _, c := range []struct {
		n    int
		kept bool
	}{{100, true}, {20000, false}} {
		m := New("test")
		if err := m.Register("t", many{Gauge("g", "A gauge.", "i"), c.n}); err != nil {
			t.Fatal(err)
		}
		if err := m.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
		kept := cap(m.sink.samples) > 0 && cap(m.sink.labels) > 0
		for _, f := range m.fams {
			if f.d.name == "govrrpd_g" {
				kept = kept && cap(f.idx) > 0
			}
		}
		if kept != c.kept || len(m.sink.samples) != 0 {
			t.Errorf("%d series: buffers kept %v (%d samples left), want %v", c.n, kept, len(m.sink.samples), c.kept)
		}
	}
}
