package lvs

import (
	"time"

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

func (c *Collectors) Describe() []*metrics.Desc {
	return append(c.ipvs.describe(), c.check.describe()...)
}

func (c *Collectors) Collect(s *metrics.Sink) {
	vss, rec := c.src()
	c.ipvs.collect(s, vss, rec)
	c.check.collect(s, vss)
}

type ipvsCollector struct {
	services, dests, weight, weightCfg      *metrics.Desc
	healthy, drained, conns, pkts, bytes    *metrics.Desc
	svcConns, svcPkts, svcBytes, ops, opErr *metrics.Desc
}

func newIPVSCollector() *ipvsCollector {
	vr := []string{"virtual_server", "real_server"}
	return &ipvsCollector{
		services:  metrics.Gauge("ipvs_services", "Virtual servers configured."),
		dests:     metrics.Gauge("ipvs_destinations", "Real servers configured."),
		weight:    metrics.Gauge("ipvs_destination_weight", "Weight in the kernel table now (0 when drained or down with inhibit_on_failure).", vr...),
		weightCfg: metrics.Gauge("ipvs_destination_weight_configured", "Configured weight.", vr...),
		healthy:   metrics.Gauge("ipvs_destination_healthy", "1 while every checker of the real server is up.", vr...),
		drained:   metrics.Gauge("ipvs_destination_drained", "1 while drained by govrrpd ctl drain.", vr...),
		conns:     metrics.Counter("ipvs_destination_connections_total", "Connections scheduled to the real server (kernel counter).", vr...),
		pkts:      metrics.Counter("ipvs_destination_packets_total", "Packets through the real server (kernel counter).", "virtual_server", "real_server", "direction"),
		bytes:     metrics.Counter("ipvs_destination_bytes_total", "Bytes through the real server (kernel counter).", "virtual_server", "real_server", "direction"),
		svcConns:  metrics.Counter("ipvs_service_connections_total", "Connections to the virtual server (kernel counter).", "virtual_server"),
		svcPkts:   metrics.Counter("ipvs_service_packets_total", "Packets through the virtual server (kernel counter).", "virtual_server", "direction"),
		svcBytes:  metrics.Counter("ipvs_service_bytes_total", "Bytes through the virtual server (kernel counter).", "virtual_server", "direction"),
		ops:       metrics.Counter("ipvs_reconcile_operations_total", "Table operations the reconciler issued, by kind.", "kind"),
		opErr:     metrics.Counter("ipvs_reconcile_errors_total", "Table operations the kernel refused."),
	}
}

func (c *ipvsCollector) describe() []*metrics.Desc {
	return []*metrics.Desc{c.services, c.dests, c.weight, c.weightCfg, c.healthy, c.drained, c.conns,
		c.pkts, c.bytes, c.svcConns, c.svcPkts, c.svcBytes, c.ops, c.opErr}
}

func (c *ipvsCollector) collect(s *metrics.Sink, vss []status.VirtualServer, rec status.ReconcileStats) {
	n := 0
	for _, vs := range vss {
		v := vs.Key
		n += len(vs.Reals)
		s.Emit(c.svcConns, float64(vs.Stats.Conns), v)
		traffic(s, c.svcPkts, c.svcBytes, vs.Stats, v)
		for _, rs := range vs.Reals {
			s.Emit(c.weight, float64(rs.WeightCurrent), v, rs.Key)
			s.Emit(c.weightCfg, float64(rs.WeightConfigured), v, rs.Key)
			s.Emit(c.healthy, metrics.Bool(rs.Healthy), v, rs.Key)
			s.Emit(c.drained, metrics.Bool(rs.Drained), v, rs.Key)
			s.Emit(c.conns, float64(rs.Stats.Conns), v, rs.Key)
			traffic(s, c.pkts, c.bytes, rs.Stats, v, rs.Key)
		}
	}
	s.Emit(c.services, float64(len(vss)))
	s.Emit(c.dests, float64(n))
	for _, k := range metrics.SortedKeys(rec.Ops) {
		s.Emit(c.ops, float64(rec.Ops[k]), k)
	}
	s.Emit(c.opErr, float64(rec.Errors))
}

// traffic emits the in/out packet and byte counters.
func traffic(s *metrics.Sink, pkts, bytes *metrics.Desc, st status.IPVSStats, labels ...string) {
	s.Emit(pkts, float64(st.InPkts), append(labels, "in")...)
	s.Emit(pkts, float64(st.OutPkts), append(labels, "out")...)
	s.Emit(bytes, float64(st.InBytes), append(labels, "in")...)
	s.Emit(bytes, float64(st.OutBytes), append(labels, "out")...)
}

// checkCollector reports checker results from the snapshot; its latency
// histogram, fed by observe, registers beside it.
type checkCollector struct {
	up, results, failures, lastMS *metrics.Desc
	latency                       *metrics.HistogramVec
}

func newCheckCollector() *checkCollector {
	return &checkCollector{
		up:       metrics.Gauge("check_up", "1 while the checker's last verdict is up.", "virtual_server", "real_server", "kind", "at"),
		results:  metrics.Counter("check_results_total", "Checker attempts by kind and result (up or down).", "kind", "result"),
		failures: metrics.Counter("check_failures_total", "Failed checker attempts by kind and reason.", "kind", "reason"),
		lastMS:   metrics.Gauge("check_last_latency_seconds", "The checker's last attempt's duration.", "virtual_server", "real_server", "kind", "at"),
		latency: metrics.NewHistogramVec("check_latency_seconds", "Duration of checker attempts, by kind and result.",
			[]float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}, "kind", "result"),
	}
}

func (c *checkCollector) observe(kind string, up bool, d time.Duration) {
	r := "down"
	if up {
		r = "up"
	}
	c.latency.Observe(d.Seconds(), kind, r)
}

func (c *checkCollector) describe() []*metrics.Desc {
	return []*metrics.Desc{c.up, c.results, c.failures, c.lastMS}
}

func (c *checkCollector) collect(s *metrics.Sink, vss []status.VirtualServer) {
	type kr struct{ kind, result string }
	results, failures := map[kr]uint64{}, map[kr]uint64{}
	for _, vs := range vss {
		for _, rs := range vs.Reals {
			for _, ck := range rs.Checkers {
				s.Emit(c.up, metrics.Bool(ck.Up), vs.Key, rs.Key, ck.Kind, ck.At)
				s.Emit(c.lastMS, time.Duration(ck.LastLatency).Seconds(), vs.Key, rs.Key, ck.Kind, ck.At)
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
		s.Emit(c.results, float64(n), k.kind, k.result)
	}
	for k, n := range failures {
		s.Emit(c.failures, float64(n), k.kind, k.result)
	}
}
