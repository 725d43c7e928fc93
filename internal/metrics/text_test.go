package metrics_test

import (
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricstest"
)

// series is a collector of fixed samples over its descs.
type series struct {
	descs []*metrics.Desc
	emit  func(*metrics.Sink)
}

func (c series) Describe() []*metrics.Desc { return c.descs }
func (c series) Collect(s *metrics.Sink)   { c.emit(s) }

// page is the part of a registry holding cs that is theirs (not the
// process's, not build info).
func page(t *testing.T, cs ...metrics.Collector) string {
	t.Helper()
	m := metrics.New("test")
	if err := m.Register("t", cs...); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := m.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	var own strings.Builder
	for l := range strings.Lines(metricstest.Own(b.String())) {
		if !strings.Contains(l, "govrrpd_build_info") {
			own.WriteString(l)
		}
	}
	return own.String()
}

// TestTextFormat: escaping, the spelling of values, the order of labels,
// series and families, as the text format 0.0.4 has them.
func TestTextFormat(t *testing.T) {
	g := metrics.Gauge("g", "Help with a \\ backslash,\na newline and \"quotes\".", "zone", "area")
	c := metrics.Counter("a_total", "A counter.")
	h := metrics.NewHistogramVec("h_seconds", "A histogram.", []float64{0.5, 1}, "kind")
	h.Observe(0.5, "x") // a value on a bound counts in that bucket
	h.Observe(0.75, "x")
	h.Observe(2, "x")
	got := page(t, h, series{[]*metrics.Desc{g, c, metrics.Gauge("empty", "Never emitted.")}, func(s *metrics.Sink) {
		s.Emit(g, 1e6, "b", "a \\ \" \n end")
		s.Emit(g, math.Inf(1), "a", "z")
		s.Emit(g, math.Inf(-1), "a", "b")
		s.Emit(g, math.NaN(), "a", "")
		s.Emit(g, 0.0005, "c", "a")
		s.Emit(g, -1, "c", "b")
		s.Emit(g, math.Copysign(0, -1), "c", "c")
		s.Emit(g, 32000, "d", "a")
		s.Emit(g, math.MaxUint64, "d", "b")
		s.Emit(c, 1)
	}})
	want := `# HELP govrrpd_a_total A counter.
# TYPE govrrpd_a_total counter
govrrpd_a_total 1
# HELP govrrpd_g Help with a \\ backslash,\na newline and "quotes".
# TYPE govrrpd_g gauge
govrrpd_g{area="",zone="a"} NaN
govrrpd_g{area="a",zone="c"} 0.0005
govrrpd_g{area="a",zone="d"} 32000
govrrpd_g{area="a \\ \" \n end",zone="b"} 1e+06
govrrpd_g{area="b",zone="a"} -Inf
govrrpd_g{area="b",zone="c"} -1
govrrpd_g{area="b",zone="d"} 1.8446744073709552e+19
govrrpd_g{area="c",zone="c"} 0
govrrpd_g{area="z",zone="a"} +Inf
# HELP govrrpd_h_seconds A histogram.
# TYPE govrrpd_h_seconds histogram
govrrpd_h_seconds_bucket{kind="x",le="0.5"} 1
govrrpd_h_seconds_bucket{kind="x",le="1"} 2
govrrpd_h_seconds_bucket{kind="x",le="+Inf"} 3
govrrpd_h_seconds_sum{kind="x"} 3.25
govrrpd_h_seconds_count{kind="x"} 1
`
	want = strings.Replace(want, `_count{kind="x"} 1`, `_count{kind="x"} 3`, 1)
	if got != want {
		t.Errorf("page:\n%s\nwant:\n%s", got, want)
	}
	roundTrip(t, got)
}

// roundTrip: Prometheus's parser reads page, and its writer writes what
// it read back byte for byte: the page is the text format as client_golang
// wrote it.
func roundTrip(t *testing.T, page string) {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(page))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, page)
	}
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(fams)) {
		if _, err := expfmt.MetricFamilyToText(&b, fams[name]); err != nil {
			t.Fatal(err)
		}
	}
	if b.String() != page {
		t.Errorf("expfmt writes the page back as\n%s\nnot\n%s", b.String(), page)
	}
}

// TestScrapeErrors: what the format cannot carry or the collector got
// wrong fails the scrape, naming the metric.
func TestScrapeErrors(t *testing.T) {
	d := metrics.Gauge("g", "A gauge.", "instance")
	other := metrics.Gauge("other", "Not described.")
	for _, c := range []struct {
		name, want string
		emit       func(*metrics.Sink)
	}{
		{"series twice", `govrrpd_g{instance="a"}: collected twice`, func(s *metrics.Sink) { s.Emit(d, 1, "a"); s.Emit(d, 2, "a") }},
		{"not UTF-8", `govrrpd_g: label instance: value "\xff" is not UTF-8`, func(s *metrics.Sink) { s.Emit(d, 1, "\xff") }},
		{"undescribed", "govrrpd_other: collected but not described", func(s *metrics.Sink) { s.Emit(other, 1) }},
		{"labels", "govrrpd_g: 2 label values (a, b) for the labels instance", func(s *metrics.Sink) { s.Emit(d, 1, "a", "b") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := metrics.New("test")
			if err := m.Register("t", series{[]*metrics.Desc{d}, c.emit}); err != nil {
				t.Fatal(err)
			}
			code, body := metricstest.Scrape(t, m)
			if code != 500 || !strings.Contains(body, c.want) {
				t.Errorf("%d %s, want 500 with %q", code, body, c.want)
			}
		})
	}
}

// TestRegisterRefusesBadNames: a family the text format cannot carry is
// refused when its subsystem registers, not at the first scrape.
func TestRegisterRefusesBadNames(t *testing.T) {
	for _, c := range []struct {
		d    *metrics.Desc
		want string
	}{
		{metrics.Gauge("bad-name", "x."), "not a valid metric name"},
		{metrics.Gauge("g", "x.", "bad-label"), "not a valid label name"},
		{metrics.Gauge("g", "x.", "__reserved"), "not a valid label name"},
		{metrics.Gauge("g", "x.", "a", "a"), `label "a" twice`},
		{metrics.NewHistogramVec("h", "x.", nil, "le").Describe()[0], `label "le" is the histogram's own`},
		{metrics.Gauge("build_info", "x."), "registered twice"},
		{metrics.Gauge("goroutines", "x."), ""},
	} {
		err := metrics.New("test").Register("t", series{[]*metrics.Desc{c.d}, func(*metrics.Sink) {}})
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.d.Name(), err, c.want)
		}
	}
}

// FuzzTextRoundTrip: any label values and value the page takes, expfmt
// parses and writes back byte for byte; a label value that is not UTF-8
// fails the scrape instead.
func FuzzTextRoundTrip(f *testing.F) {
	f.Add("a", "b \\ \" \n", 1.5)
	f.Add("", "\xff", math.Inf(-1))
	f.Fuzz(func(t *testing.T, a, b string, v float64) {
		d := metrics.Gauge("g", "A gauge.", "b", "a")
		m := metrics.New("test")
		if err := m.Register("t", series{[]*metrics.Desc{d}, func(s *metrics.Sink) {
			s.Emit(d, v, b, a)
			s.Emit(d, -v, a+"x", b)
		}}); err != nil {
			t.Fatal(err)
		}
		var page strings.Builder
		err := m.WriteText(&page)
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			if err == nil {
				t.Fatalf("label values %q %q: no error", a, b)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, page.String())
	})
}
