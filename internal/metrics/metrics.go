// Package metrics exposes govrrpd's state to Prometheus. Every collector
// reads the daemon's snapshot (internal/status) at scrape time, so the
// advert path keeps plain counter increments: no label lookup, no lock,
// no allocation per advert. keepalived has no native metrics (its users
// scrape dump files whose format is not guaranteed); these follow
// Prometheus naming and are the supported interface.
//
// One collector per subsystem (vrrp, ipvs, check, reload) registers on a
// registry of its own, never the global one, so two daemons in one test
// binary do not collide.
package metrics

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/govrrpd/govrrpd/internal/status"
)

// Source takes a snapshot of the daemon.
type Source func(ctx context.Context) (status.Daemon, error)

// snapshots shares one snapshot between the collectors of one scrape:
// the registry collects them concurrently, and four snapshots per scrape
// would cost the event loop four round trips for one answer.
type snapshots struct {
	src    Source
	maxAge time.Duration
	mu     sync.Mutex
	at     time.Time
	d      status.Daemon
	err    error
}

func (s *snapshots) get() (status.Daemon, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.at.IsZero() && time.Since(s.at) < s.maxAge {
		return s.d, s.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.d, s.err = s.src(ctx)
	s.at = time.Now()
	return s.d, s.err
}

// Metrics is the daemon's registry.
type Metrics struct {
	reg   *prometheus.Registry
	check *checkCollector
}

// New builds the registry over src: the four subsystem collectors,
// build info, and the Go runtime and process collectors.
func New(src Source, version string) *Metrics {
	snap := &snapshots{src: src, maxAge: 500 * time.Millisecond}
	reg := prometheus.NewRegistry()
	cc := newCheckCollector(snap)
	reg.MustRegister(
		newVRRPCollector(snap),
		newIPVSCollector(snap),
		cc,
		newReloadCollector(snap),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "govrrpd_build_info",
			Help:        "Build information; always 1.",
			ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
		}, func() float64 { return 1 }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return &Metrics{reg: reg, check: cc}
}

// Registry is the underlying registry (tests gather it directly).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves /metrics. A snapshot that cannot be taken is reported
// as a scrape error (HTTP 500), not as zeros.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError})
}

// ObserveCheck records one checker attempt's latency; the check scheduler
// calls it (through the daemon) once per attempt. It is safe from any
// goroutine.
func (m *Metrics) ObserveCheck(kind string, up bool, latency time.Duration) {
	m.check.observe(kind, up, latency)
}
