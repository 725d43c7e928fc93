package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/status"
)

// The executor's metrics: govrrpd_vrrp_* and govrrpd_reload_*, read from
// one state of the loop per scrape.

// RegisterMetrics puts the VRRP and reload collectors on m, over src; Run
// registers them over the running daemon. Registering again replaces them.
func RegisterMetrics(m *metrics.Metrics, src func(context.Context) (status.Daemon, error)) error {
	v, r := newVRRPCollector(), newReloadCollector()
	return m.Register("vrrp", &daemonCollector{src: src, vrrp: v, reload: r})
}

// registerMetrics is Run's registration: the collectors over the running
// loop's MetricsRead, into one buffer that scrapes reuse (the collector
// serializes them), so a steady daemon's scrape allocates nothing on the
// loop.
func (d *Daemon) registerMetrics(m *metrics.Metrics) error {
	var buf status.Daemon
	return RegisterMetrics(m, func(ctx context.Context) (status.Daemon, error) {
		s, err := d.MetricsRead(ctx, buf)
		if err != nil {
			buf = status.Daemon{} // the loop may still write into it
			return s, err
		}
		buf = s
		return s, nil
	})
}

// daemonCollector reads the loop's state once for both collectors: a
// scrape costs the event loop one round trip, not two. Scrapes take
// turns, so that a source may reuse what it returned last.
type daemonCollector struct {
	src    func(context.Context) (status.Daemon, error)
	mu     sync.Mutex
	vrrp   *vrrpCollector
	reload *reloadCollector
}

func (c *daemonCollector) Describe(ch chan<- *prometheus.Desc) {
	c.vrrp.describe(ch)
	c.reload.describe(ch)
}

func (c *daemonCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := c.src(ctx)
	if err != nil {
		metrics.Failed(ch, c.vrrp.state, err)
		return
	}
	c.vrrp.collect(ch, d)
	c.reload.collect(ch, d)
}

// vrrpStates are keepalived's state names; the state gauge has one
// series per state so that alerts can match state="MASTER" == 1.
var vrrpStates = []string{"INIT", "BACKUP", "MASTER", "FAULT", "STOP"}

type vrrpCollector struct {
	state, prio, eprio, maint, trans      *prometheus.Desc
	sent, recv, drops, masterChg, garp    *prometheus.Desc
	na, priZeroSent, priZeroRecv, sgState *prometheus.Desc
	ifDrops                               *prometheus.Desc
}

func newVRRPCollector() *vrrpCollector {
	return &vrrpCollector{
		state: metrics.Desc("vrrp_state", "1 for the state the instance is in, 0 for the others.", "instance", "state"),
		prio:  metrics.Desc("vrrp_priority", "Configured priority.", "instance"),
		eprio: metrics.Desc("vrrp_effective_priority", "Priority after trackers, as advertised.", "instance"),
		maint: metrics.Desc("vrrp_maintenance", "1 while the instance is held in maintenance (govrrpd ctl maintenance).", "instance"),
		trans: metrics.Desc("vrrp_transitions_total", "State transitions.", "instance", "from", "to", "reason"),
		sent:  metrics.Desc("vrrp_adverts_sent_total", "Adverts sent.", "instance"),
		recv:  metrics.Desc("vrrp_adverts_received_total", "Adverts received and accepted for the instance.", "instance"),
		drops: metrics.Desc("vrrp_adverts_dropped_total", "Received packets dropped, by reason (ttl, checksum, auth, vrid, version, interval, addresses, length, ...) and the daemon's finer detail (auth-failure, truncated, ...).",
			"instance", "reason", "detail"),
		masterChg:   metrics.Desc("vrrp_master_changes_total", "Times the instance became or stopped being master.", "instance", "change"),
		garp:        metrics.Desc("vrrp_garp_sent_total", "Gratuitous ARPs sent.", "instance"),
		na:          metrics.Desc("vrrp_na_sent_total", "Unsolicited neighbour advertisements sent.", "instance"),
		priZeroSent: metrics.Desc("vrrp_priority_zero_sent_total", "Priority-0 adverts sent (master resigning).", "instance"),
		priZeroRecv: metrics.Desc("vrrp_priority_zero_received_total", "Priority-0 adverts received.", "instance"),
		sgState:     metrics.Desc("vrrp_sync_group_state", "1 for the state the sync group is in, 0 for the others.", "group", "state"),
		ifDrops: metrics.Desc("vrrp_interface_adverts_dropped_total", "Packets dropped before any instance could be named (undecodable, or a VRID no instance on the interface serves), by reason and detail.",
			"interface", "family", "reason", "detail"),
	}
}

func (c *vrrpCollector) describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.state, c.prio, c.eprio, c.maint, c.trans, c.sent, c.recv, c.drops,
		c.masterChg, c.garp, c.na, c.priZeroSent, c.priZeroRecv, c.sgState, c.ifDrops} {
		ch <- d
	}
}

func (c *vrrpCollector) collect(ch chan<- prometheus.Metric, d status.Daemon) {
	G, C := prometheus.GaugeValue, prometheus.CounterValue
	for _, in := range d.Instances {
		n := in.Name
		for _, s := range vrrpStates {
			metrics.Emit(ch, c.state, G, metrics.Bool(in.State == s), n, s)
		}
		metrics.Emit(ch, c.prio, G, float64(in.Priority), n)
		metrics.Emit(ch, c.eprio, G, float64(in.EffectivePriority), n)
		metrics.Emit(ch, c.maint, G, metrics.Bool(in.Maintenance), n)
		st := in.Stats
		for _, t := range st.Transitions {
			metrics.Emit(ch, c.trans, C, float64(t.Count), n, t.From, t.To, t.Reason)
		}
		metrics.Emit(ch, c.sent, C, float64(st.AdvertsSent), n)
		metrics.Emit(ch, c.recv, C, float64(st.AdvertsReceived), n)
		for _, r := range metrics.SortedKeys(st.Drops) {
			metrics.Emit(ch, c.drops, C, float64(st.Drops[r]), n, status.DropClass(r), r)
		}
		metrics.Emit(ch, c.masterChg, C, float64(st.BecameMaster), n, "became_master")
		metrics.Emit(ch, c.masterChg, C, float64(st.ReleasedMaster), n, "released_master")
		metrics.Emit(ch, c.garp, C, float64(st.GARPSent), n)
		metrics.Emit(ch, c.na, C, float64(st.NASent), n)
		metrics.Emit(ch, c.priZeroSent, C, float64(st.PriZeroSent), n)
		metrics.Emit(ch, c.priZeroRecv, C, float64(st.PriZeroReceived), n)
	}
	for _, g := range d.SyncGroups {
		for _, s := range vrrpStates {
			metrics.Emit(ch, c.sgState, G, metrics.Bool(g.State == s), g.Name, s)
		}
	}
	for _, i := range d.Interfaces {
		for _, r := range metrics.SortedKeys(i.Drops) {
			metrics.Emit(ch, c.ifDrops, C, float64(i.Drops[r]), i.Name, i.Family, status.DropClass(r), r)
		}
	}
}

type reloadCollector struct {
	total, failed, noChange, lastSuccess, config *prometheus.Desc
}

func newReloadCollector() *reloadCollector {
	return &reloadCollector{
		total:       metrics.Desc("reload_total", "Reloads (SIGHUP or govrrpd ctl reload) since start."),
		failed:      metrics.Desc("reload_failed_total", "Reloads refused (the running configuration was kept)."),
		noChange:    metrics.Desc("reload_no_change_total", "Reloads that found nothing the configuration is read from changed, and so read nothing."),
		lastSuccess: metrics.Desc("reload_last_success_timestamp_seconds", "When a reload last applied; the start time before the first."),
		config:      metrics.Desc("reload_config_info", "The running configuration's hash; always 1.", "config_hash", "config_file"),
	}
}

func (c *reloadCollector) describe(ch chan<- *prometheus.Desc) {
	ch <- c.total
	ch <- c.failed
	ch <- c.noChange
	ch <- c.lastSuccess
	ch <- c.config
}

func (c *reloadCollector) collect(ch chan<- prometheus.Metric, d status.Daemon) {
	metrics.Emit(ch, c.total, prometheus.CounterValue, float64(d.ReloadStats.Total))
	metrics.Emit(ch, c.failed, prometheus.CounterValue, float64(d.ReloadStats.Refused))
	metrics.Emit(ch, c.noChange, prometheus.CounterValue, float64(d.ReloadStats.NoChange))
	last := d.ReloadStats.LastSuccess
	if last.IsZero() {
		last = d.Started
	}
	metrics.Emit(ch, c.lastSuccess, prometheus.GaugeValue, metrics.UnixSeconds(last))
	metrics.Emit(ch, c.config, prometheus.GaugeValue, 1, d.ConfigHash, d.ConfigFile)
}
