package metrics

import (
	"fmt"
	"net/http"
	"runtime"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
)

// Metrics is the daemon's registry. A nil *Metrics is valid: it is what
// subsystems get when no listener serves /metrics, and registering on it
// does nothing.
type Metrics struct {
	reg *prometheus.Registry
	// process builds the collectors that are the process's (build info,
	// Go runtime, process) on the first scrape: every daemon with a
	// control socket has a registry, few are ever scraped, and building
	// them at start cost resident memory at idle (docs/scale.md, "Idle
	// RSS"). Their names are go_*, process_* and govrrpd_build_info,
	// which no subsystem may take, so deferring them defers no clash.
	process func() http.Handler
	mu      sync.Mutex
	// subs are each subsystem's collectors, by the name it registered
	// them under, so that a second registration replaces the first.
	subs map[string][]prometheus.Collector
}

// New returns the registry; the subsystems add their collectors with
// Register, and the first scrape adds build info and the Go runtime and
// process collectors.
func New(version string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{reg: reg, subs: map[string][]prometheus.Collector{}}
	m.process = sync.OnceValue(func() http.Handler {
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name:        "govrrpd_build_info",
				Help:        "Build information; always 1.",
				ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
			}, func() float64 { return 1 }),
			collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		)
		return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError})
	})
	return m
}

// Register puts subsystem name's collectors on the registry in place of
// whatever name registered before. A subsystem that starts again — the
// LVS side when a reload brings the first virtual_server, a test's second
// daemon — replaces its collectors instead of colliding with them (the
// registry would refuse the same metric names twice). Collectors that
// clash with another subsystem's are refused, and name keeps none.
func (m *Metrics) Register(name string, cs ...prometheus.Collector) error {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.subs[name] {
		m.reg.Unregister(c)
	}
	delete(m.subs, name)
	for i, c := range cs {
		if err := m.reg.Register(c); err != nil {
			for _, done := range cs[:i] {
				m.reg.Unregister(done)
			}
			return fmt.Errorf("metrics %s: %w", name, err)
		}
	}
	m.subs[name] = cs
	return nil
}

// Gather is one scrape (prometheus.Gatherer).
func (m *Metrics) Gather() ([]*dto.MetricFamily, error) {
	m.process()
	return m.reg.Gather()
}

// Handler serves /metrics. A subsystem whose state cannot be read reports
// a scrape error (HTTP 500), not zeros.
func (m *Metrics) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.process().ServeHTTP(w, r) })
}
