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
	mu  sync.Mutex
	// subs are each subsystem's collectors, by the name it registered
	// them under, so that a second registration replaces the first.
	subs map[string][]prometheus.Collector
}

// New builds the registry with build info and the Go runtime and process
// collectors; the subsystems add theirs with Register.
func New(version string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "govrrpd_build_info",
			Help:        "Build information; always 1.",
			ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
		}, func() float64 { return 1 }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return &Metrics{reg: reg, subs: map[string][]prometheus.Collector{}}
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
func (m *Metrics) Gather() ([]*dto.MetricFamily, error) { return m.reg.Gather() }

// Handler serves /metrics. A subsystem whose state cannot be read reports
// a scrape error (HTTP 500), not zeros.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError})
}
