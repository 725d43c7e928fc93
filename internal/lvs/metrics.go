package lvs

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/status"
)

// The subsystem's metrics: govrrpd_ipvs_* and govrrpd_check_*, read from
// the reconciler and the checkers (Snapshot, ReconcileStats) off the VRRP
// event loop, plus the checker latency histogram the scheduler feeds.

// Collectors are the IPVS and checker collectors over one source. New
// makes them when Options.Metrics is set and Start registers them; tests
// build them over a fixed state.
type Collectors struct {
	src   func() ([]status.VirtualServer, status.ReconcileStats)
	ipvs  *ipvsCollector
	check *checkCollector
}

// NewCollectors reads src once a scrape for both collectors.
func NewCollectors(src func() ([]status.VirtualServer, status.ReconcileStats)) *Collectors {
	return &Collectors{src: src, ipvs: newIPVSCollector(), check: newCheckCollector()}
}

// Register puts the collectors and the latency histogram on m, replacing
// an earlier registration: Start runs again when a reload brings the
// first virtual_server.
func (c *Collectors) Register(m *metrics.Metrics) error {
	return m.Register("lvs", c, c.check.latency)
}

// ObserveCheck records one checker attempt in the latency histogram; the
// scheduler calls it from its goroutines.
func (c *Collectors) ObserveCheck(kind check.Kind, up bool, took time.Duration) {
	c.check.observe(kind.String(), up, took)
}

func (c *Collectors) Describe(ch chan<- *prometheus.Desc) {
	c.ipvs.describe(ch)
	c.check.describe(ch)
}

func (c *Collectors) Collect(ch chan<- prometheus.Metric) {
	vss, rec := c.src()
	c.ipvs.collect(ch, vss, rec)
	c.check.collect(ch, vss)
}

type ipvsCollector struct {
	services, dests, weight, weightCfg      *prometheus.Desc
	healthy, drained, conns, pkts, bytes    *prometheus.Desc
	svcConns, svcPkts, svcBytes, ops, opErr *prometheus.Desc
}

func newIPVSCollector() *ipvsCollector {
	vr := []string{"virtual_server", "real_server"}
	return &ipvsCollector{
		services:  metrics.Desc("ipvs_services", "Virtual servers configured."),
		dests:     metrics.Desc("ipvs_destinations", "Real servers configured."),
		weight:    metrics.Desc("ipvs_destination_weight", "Weight in the kernel table now (0 when drained or down with inhibit_on_failure).", vr...),
		weightCfg: metrics.Desc("ipvs_destination_weight_configured", "Configured weight.", vr...),
		healthy:   metrics.Desc("ipvs_destination_healthy", "1 while every checker of the real server is up.", vr...),
		drained:   metrics.Desc("ipvs_destination_drained", "1 while drained by govrrpd ctl drain.", vr...),
		conns:     metrics.Desc("ipvs_destination_connections_total", "Connections scheduled to the real server (kernel counter).", vr...),
		pkts:      metrics.Desc("ipvs_destination_packets_total", "Packets through the real server (kernel counter).", "virtual_server", "real_server", "direction"),
		bytes:     metrics.Desc("ipvs_destination_bytes_total", "Bytes through the real server (kernel counter).", "virtual_server", "real_server", "direction"),
		svcConns:  metrics.Desc("ipvs_service_connections_total", "Connections to the virtual server (kernel counter).", "virtual_server"),
		svcPkts:   metrics.Desc("ipvs_service_packets_total", "Packets through the virtual server (kernel counter).", "virtual_server", "direction"),
		svcBytes:  metrics.Desc("ipvs_service_bytes_total", "Bytes through the virtual server (kernel counter).", "virtual_server", "direction"),
		ops:       metrics.Desc("ipvs_reconcile_operations_total", "Table operations the reconciler issued, by kind.", "kind"),
		opErr:     metrics.Desc("ipvs_reconcile_errors_total", "Table operations the kernel refused."),
	}
}

func (c *ipvsCollector) describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.services, c.dests, c.weight, c.weightCfg, c.healthy, c.drained, c.conns,
		c.pkts, c.bytes, c.svcConns, c.svcPkts, c.svcBytes, c.ops, c.opErr} {
		ch <- d
	}
}

func (c *ipvsCollector) collect(ch chan<- prometheus.Metric, vss []status.VirtualServer, rec status.ReconcileStats) {
	G, C := prometheus.GaugeValue, prometheus.CounterValue
	n := 0
	for _, vs := range vss {
		v := vs.Key
		n += len(vs.Reals)
		metrics.Emit(ch, c.svcConns, C, float64(vs.Stats.Conns), v)
		traffic(ch, c.svcPkts, c.svcBytes, vs.Stats, v)
		for _, rs := range vs.Reals {
			metrics.Emit(ch, c.weight, G, float64(rs.WeightCurrent), v, rs.Key)
			metrics.Emit(ch, c.weightCfg, G, float64(rs.WeightConfigured), v, rs.Key)
			metrics.Emit(ch, c.healthy, G, metrics.Bool(rs.Healthy), v, rs.Key)
			metrics.Emit(ch, c.drained, G, metrics.Bool(rs.Drained), v, rs.Key)
			metrics.Emit(ch, c.conns, C, float64(rs.Stats.Conns), v, rs.Key)
			traffic(ch, c.pkts, c.bytes, rs.Stats, v, rs.Key)
		}
	}
	metrics.Emit(ch, c.services, G, float64(len(vss)))
	metrics.Emit(ch, c.dests, G, float64(n))
	for _, k := range metrics.SortedKeys(rec.Ops) {
		metrics.Emit(ch, c.ops, C, float64(rec.Ops[k]), k)
	}
	metrics.Emit(ch, c.opErr, C, float64(rec.Errors))
}

// traffic emits the in/out packet and byte counters.
func traffic(ch chan<- prometheus.Metric, pkts, bytes *prometheus.Desc, s status.IPVSStats, labels ...string) {
	C := prometheus.CounterValue
	metrics.Emit(ch, pkts, C, float64(s.InPkts), append(labels, "in")...)
	metrics.Emit(ch, pkts, C, float64(s.OutPkts), append(labels, "out")...)
	metrics.Emit(ch, bytes, C, float64(s.InBytes), append(labels, "in")...)
	metrics.Emit(ch, bytes, C, float64(s.OutBytes), append(labels, "out")...)
}

// checkCollector reports checker results from the snapshot; its latency
// histogram, fed by observe, registers beside it.
type checkCollector struct {
	up, results, failures, lastMS *prometheus.Desc
	latency                       *prometheus.HistogramVec
}

func newCheckCollector() *checkCollector {
	return &checkCollector{
		up:       metrics.Desc("check_up", "1 while the checker's last verdict is up.", "virtual_server", "real_server", "kind", "at"),
		results:  metrics.Desc("check_results_total", "Checker attempts by kind and result (up or down).", "kind", "result"),
		failures: metrics.Desc("check_failures_total", "Failed checker attempts by kind and reason.", "kind", "reason"),
		lastMS:   metrics.Desc("check_last_latency_seconds", "The checker's last attempt's duration.", "virtual_server", "real_server", "kind", "at"),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "govrrpd_check_latency_seconds",
			Help:    "Duration of checker attempts, by kind and result.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"kind", "result"}),
	}
}

func (c *checkCollector) observe(kind string, up bool, d time.Duration) {
	r := "down"
	if up {
		r = "up"
	}
	c.latency.WithLabelValues(kind, r).Observe(d.Seconds())
}

func (c *checkCollector) describe(ch chan<- *prometheus.Desc) {
	ch <- c.up
	ch <- c.results
	ch <- c.failures
	ch <- c.lastMS
}

func (c *checkCollector) collect(ch chan<- prometheus.Metric, vss []status.VirtualServer) {
	type kr struct{ kind, result string }
	results, failures := map[kr]uint64{}, map[kr]uint64{}
	for _, vs := range vss {
		for _, rs := range vs.Reals {
			for _, ck := range rs.Checkers {
				metrics.Emit(ch, c.up, prometheus.GaugeValue, metrics.Bool(ck.Up), vs.Key, rs.Key, ck.Kind, ck.At)
				metrics.Emit(ch, c.lastMS, prometheus.GaugeValue, time.Duration(ck.LastLatency).Seconds(), vs.Key, rs.Key, ck.Kind, ck.At)
				for r, n := range ck.Results {
					if r == "up" {
						results[kr{ck.Kind, "up"}] += n
						continue
					}
					results[kr{ck.Kind, "down"}] += n
					failures[kr{ck.Kind, r}] += n
				}
			}
		}
	}
	for k, n := range results {
		metrics.Emit(ch, c.results, prometheus.CounterValue, float64(n), k.kind, k.result)
	}
	for k, n := range failures {
		metrics.Emit(ch, c.failures, prometheus.CounterValue, float64(n), k.kind, k.result)
	}
}
