package metrics_test

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricstest"
	"github.com/govrrpd/govrrpd/internal/status"
)

// gauge is a subsystem's collector in miniature: one constant series.
func gauge(name string, v float64) metrics.Collector {
	return constCollector{metrics.Gauge(name, "A test gauge."), v}
}

type constCollector struct {
	d *metrics.Desc
	v float64
}

func (c constCollector) Describe() []*metrics.Desc { return []*metrics.Desc{c.d} }
func (c constCollector) Collect(s *metrics.Sink)   { s.Emit(c.d, c.v) }

// samples are the govrrpd series of a scrape, without HELP and TYPE.
func samples(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	_, body := metricstest.Scrape(t, m)
	var b strings.Builder
	for l := range strings.Lines(metricstest.Own(body)) {
		if !strings.HasPrefix(l, "#") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// TestRegistryOwnSeries: a registry no subsystem registered on serves
// build info and the Go runtime's and the process's series, nothing else
// of govrrpd's.
func TestRegistryOwnSeries(t *testing.T) {
	code, body := metricstest.Scrape(t, metrics.New("0.1.0-test"))
	if code != 200 {
		t.Fatalf("scrape: %d %s", code, body)
	}
	for _, want := range []string{`govrrpd_build_info{goversion="go`, `version="0.1.0-test"} 1`, "\ngo_goroutines ", "\nprocess_"} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in\n%s", want, body)
		}
	}
	if own := samples(t, metrics.New("0.1.0-test")); own != "" {
		t.Errorf("series nobody registered:\n%s", own)
	}
}

// TestRegisterReplaces: a subsystem registering again under its name (it
// started again) replaces its collectors instead of clashing with them.
func TestRegisterReplaces(t *testing.T) {
	m := metrics.New("test")
	for _, v := range []float64{1, 2} {
		if err := m.Register("vrrp", gauge("a", v), gauge("b", v)); err != nil {
			t.Fatalf("registration %v: %v", v, err)
		}
	}
	if err := m.Register("lvs", gauge("c", 3)); err != nil {
		t.Fatal(err)
	}
	if got, want := samples(t, m), "govrrpd_a 2\ngovrrpd_b 2\ngovrrpd_c 3\n"; got != want {
		t.Errorf("series:\n%s\nwant:\n%s", got, want)
	}
}

// TestRegisterClash: a subsystem claiming another's metric is refused
// whole (none of its collectors stays) and the other keeps its series.
func TestRegisterClash(t *testing.T) {
	m := metrics.New("test")
	if err := m.Register("vrrp", gauge("a", 1)); err != nil {
		t.Fatal(err)
	}
	err := m.Register("lvs", gauge("b", 2), gauge("a", 3))
	if !errors.Is(err, metrics.ErrDuplicate) || !strings.Contains(err.Error(), "metrics lvs: govrrpd_a") {
		t.Errorf("clash: %v", err)
	}
	if got := samples(t, m); got != "govrrpd_a 1\n" {
		t.Errorf("series after a refused registration:\n%s", got)
	}
}

// TestRegisterOwnName: no subsystem takes the process's series away by
// registering under their name.
func TestRegisterOwnName(t *testing.T) {
	m := metrics.New("test")
	if err := m.Register("process", gauge("a", 1)); err == nil {
		t.Error("a subsystem registered as process")
	}
	if _, body := metricstest.Scrape(t, m); !strings.Contains(body, "\nprocess_start_time_seconds ") {
		t.Errorf("process series gone:\n%s", body)
	}
}

// TestRegisterNil: with no listener there is no registry, and the
// subsystems' registrations do nothing.
func TestRegisterNil(t *testing.T) {
	var m *metrics.Metrics
	if err := m.Register("vrrp", gauge("a", 1)); err != nil {
		t.Error(err)
	}
}

// TestEmitMismatch: a sample with the wrong labels fails the scrape
// instead of panicking the daemon.
func TestEmitMismatch(t *testing.T) {
	m := metrics.New("test")
	if err := m.Register("bad", badCollector{metrics.Gauge("bad", "A test gauge.", "instance")}); err != nil {
		t.Fatal(err)
	}
	if code, body := metricstest.Scrape(t, m); code != 500 || !strings.Contains(body, "govrrpd_bad") {
		t.Errorf("scrape with a bad sample: %d %s", code, body)
	}
}

type badCollector struct{ d *metrics.Desc }

func (c badCollector) Describe() []*metrics.Desc { return []*metrics.Desc{c.d} }
func (c badCollector) Collect(s *metrics.Sink) {
	s.Emit(c.d, 1) // no instance label
}

// TestStatusCarriesNoSecret guards the one door to /metrics and the API:
// the status types. A field that could hold auth_pass, a token or a key is
// a failure.
func TestStatusCarriesNoSecret(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, path string) {
		for ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map || ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for i := range ty.NumField() {
			f := ty.Field(i)
			name := strings.ToLower(f.Name + " " + f.Tag.Get("json"))
			for _, bad := range []string{"pass", "secret", "token", "password", "key_file", "privkey"} {
				if strings.Contains(name, bad) {
					t.Errorf("%s.%s may carry a secret", path, f.Name)
				}
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeOf(status.Daemon{}), "Daemon")
	walk(reflect.TypeOf(status.Plan{}), "Plan")
}

// TestLintCatches: each naming rule of metricstest.Lint finds its breach.
func TestLintCatches(t *testing.T) {
	for _, c := range []struct {
		d    *metrics.Desc
		want string
	}{
		{metrics.Counter("adverts_total", "Adverts."), ""},
		{metrics.Gauge("state", "State.", "instance"), ""},
		{metrics.Counter("adverts", "Adverts."), "a counter's name ends in _total"},
		{metrics.Gauge("open_total", "Open."), "only a counter's name ends in _total"},
		{metrics.Gauge("latency_milliseconds", "Latency."), "(milliseconds) that is not a base unit"},
		{metrics.Gauge("checks_count", "Checks."), "ends in _count"},
		{metrics.Gauge("advertCount", "Adverts."), "not snake case"},
		{metrics.Gauge("state", " "), "no help text"},
		{metrics.Gauge("state", "State.", "Instance"), "label Instance: not snake case"},
	} {
		got := strings.Join(metricstest.Problems(c.d), "; ")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.d.Name(), got, c.want)
		}
	}
}

// TestConcurrentScrapes: scrapes take turns over the registry's reused
// buffers while a subsystem registers again and a histogram is observed;
// every page is whole (run with -race).
func TestConcurrentScrapes(t *testing.T) {
	m := metrics.New("test")
	h := metrics.NewHistogramVec("h_seconds", "A histogram.", []float64{1}, "kind")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				code, body := metricstest.Scrape(t, m)
				if code != 200 || !strings.Contains(body, "\ngovrrpd_build_info{") {
					t.Errorf("scrape: %d\n%s", code, body)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 20 {
			h.Observe(float64(i), "x")
			if err := m.Register("t", gauge("a", float64(i)), h); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	if got := samples(t, m); !strings.Contains(got, "govrrpd_a 19\n") || !strings.Contains(got, `govrrpd_h_seconds_count{kind="x"} 20`) {
		t.Errorf("after the registrations:\n%s", got)
	}
}
