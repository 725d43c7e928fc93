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
	dto "github.com/prometheus/client_model/go"

	"github.com/govrrpd/govrrpd/internal/status"
)

// Source takes a snapshot of the daemon.
type Source func(ctx context.Context) (status.Daemon, error)

// snapshots shares one snapshot between the collectors of one scrape:
// the registry collects them concurrently, and four snapshots per scrape
// would cost the event loop four round trips for one answer. Each scrape
// (Metrics.Gather) starts with a fresh one, so no scrape sees an older
// state than the previous scrape did.
type snapshots struct {
	src   Source
	mu    sync.Mutex
	taken bool
	d     status.Daemon
	err   error
}

func (s *snapshots) get() (status.Daemon, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.taken {
		return s.d, s.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.d, s.err = s.src(ctx)
	s.taken = true
	return s.d, s.err
}

func (s *snapshots) forget() {
	s.mu.Lock()
	s.taken, s.d, s.err = false, status.Daemon{}, nil
	s.mu.Unlock()
}

// Metrics is the daemon's registry.
type Metrics struct {
	reg   *prometheus.Registry
	check *checkCollector
	snap  *snapshots
	// gather serializes scrapes: each owns the shared snapshot from its
	// start to its end.
	gather sync.Mutex
}

// New builds the registry over src: the four subsystem collectors,
// build info, and the Go runtime and process collectors.
func New(src Source, version string) *Metrics {
	snap := &snapshots{src: src}
	reg := prometheus.NewRegistry()
	cc := newCheckCollector(snap)
	reg.MustRegister(
		newVRRPCollector(snap),
		newIPVSCollector(snap),
		cc,
		newReloadCollector(snap),
		newBGPCollector(snap),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "govrrpd_build_info",
			Help:        "Build information; always 1.",
			ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
		}, func() float64 { return 1 }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return &Metrics{reg: reg, check: cc, snap: snap}
}

// Gather is one scrape over a fresh snapshot (prometheus.Gatherer).
func (m *Metrics) Gather() ([]*dto.MetricFamily, error) {
	m.gather.Lock()
	defer m.gather.Unlock()
	m.snap.forget()
	defer m.snap.forget() // hold no snapshot between scrapes
	return m.reg.Gather()
}

// Handler serves /metrics. A snapshot that cannot be taken is reported
// as a scrape error (HTTP 500), not as zeros.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError})
}

// ObserveCheck records one checker attempt's latency; the check scheduler
// calls it (through the daemon) once per attempt. It is safe from any
// goroutine.
func (m *Metrics) ObserveCheck(kind string, up bool, latency time.Duration) {
	m.check.observe(kind, up, latency)
}
