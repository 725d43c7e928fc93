package metrics

import (
	"io"
	"math"
	"strconv"
	"strings"
)

// The Prometheus text exposition format 0.0.4, written as client_golang's
// expfmt writes it, so that a page is the same byte for byte: HELP and
// TYPE before each family, labels in name order, a histogram's le and a
// summary's quantile last, values as strconv's shortest 'g'.

// ContentType is what the handler serves, with the escaping parameter
// client_golang added (names here never need escaping).
const ContentType = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"

// textOut is what the writer needs; bufio.Writer and strings.Builder have
// it, and keep a write's error for the end.
type textOut interface {
	io.StringWriter
	io.ByteWriter
	Write([]byte) (int, error)
}

type textWriter struct {
	w   textOut
	num []byte
}

// family writes f's HELP, TYPE and series.
func (t *textWriter) family(s *Sink, f *family) {
	d := f.d
	t.w.WriteString("# HELP ")
	t.w.WriteString(d.name)
	t.w.WriteByte(' ')
	t.escape(d.help, false)
	t.w.WriteString("\n# TYPE ")
	t.w.WriteString(d.name)
	t.w.WriteByte(' ')
	t.w.WriteString(d.typ.String())
	t.w.WriteByte('\n')
	for _, i := range f.idx {
		smp := &s.samples[i]
		if smp.dist == nil {
			t.line(s, i, d.name, "", "", 0, smp.value)
			continue
		}
		t.dist(s, i, smp.dist)
	}
}

// dist writes a histogram's buckets (cumulative, then +Inf) or a
// summary's quantiles, then the sum and count.
func (t *textWriter) dist(s *Sink, i int32, ds *distribution) {
	d := s.samples[i].d
	if d.typ == HistogramType {
		for k, b := range ds.bounds {
			t.line(s, i, d.name, "_bucket", "le", b, ds.values[k])
		}
		t.line(s, i, d.name, "_bucket", "le", math.Inf(1), float64(ds.count))
	} else {
		for k, q := range ds.bounds {
			t.line(s, i, d.name, "", "quantile", q, ds.values[k])
		}
	}
	t.line(s, i, d.name, "_sum", "", 0, ds.sum)
	t.line(s, i, d.name, "_count", "", 0, float64(ds.count))
}

// line writes one sample line: name+suffix, sample i's labels and, when
// extra is set, extra=bound after them, then v.
func (t *textWriter) line(s *Sink, i int32, name, suffix, extra string, bound, v float64) {
	t.w.WriteString(name)
	t.w.WriteString(suffix)
	t.labels(s, i, extra, bound)
	t.w.WriteByte(' ')
	t.float(v)
	t.w.WriteByte('\n')
}

// labels writes {name="value",...} in the family's name order, or
// nothing for a sample without labels.
func (t *textWriter) labels(s *Sink, i int32, extra string, bound float64) {
	d := s.samples[i].d
	if len(d.labels) == 0 && extra == "" {
		return
	}
	t.w.WriteByte('{')
	for n, k := range d.order {
		if n > 0 {
			t.w.WriteByte(',')
		}
		t.w.WriteString(d.labels[k])
		t.w.WriteString(`="`)
		t.escape(s.value(i, k), true)
		t.w.WriteByte('"')
	}
	if extra != "" {
		if len(d.labels) > 0 {
			t.w.WriteByte(',')
		}
		t.w.WriteString(extra)
		t.w.WriteString(`="`)
		t.float(bound)
		t.w.WriteByte('"')
	}
	t.w.WriteByte('}')
}

// float writes v as client_golang does: 0, 1, -1, NaN, +Inf and -Inf
// spelled out, the rest strconv's shortest 'g' (1e+06, 0.0005, 32000).
func (t *textWriter) float(v float64) {
	switch {
	case v == 0:
		t.w.WriteByte('0')
	case v == 1:
		t.w.WriteByte('1')
	case v == -1:
		t.w.WriteString("-1")
	case math.IsNaN(v):
		t.w.WriteString("NaN")
	case math.IsInf(v, 1):
		t.w.WriteString("+Inf")
	case math.IsInf(v, -1):
		t.w.WriteString("-Inf")
	default:
		t.num = strconv.AppendFloat(t.num[:0], v, 'g', -1, 64)
		t.w.Write(t.num)
	}
}

// escape writes s with \ and newline escaped, and " too in a label
// value (HELP leaves it).
func (t *textWriter) escape(s string, quote bool) {
	if !strings.ContainsAny(s, "\\\n\"") {
		t.w.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			t.w.WriteString(`\\`)
		case c == '\n':
			t.w.WriteString(`\n`)
		case c == '"' && quote:
			t.w.WriteString(`\"`)
		default:
			t.w.WriteByte(c)
		}
	}
}
