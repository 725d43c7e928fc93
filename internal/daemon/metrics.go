package daemon

import (
	"context"
	"fmt"
	"sync"
	"time"

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

func (c *daemonCollector) Describe() []*metrics.Desc {
	return append(c.vrrp.describe(), c.reload.describe()...)
}

func (c *daemonCollector) Collect(s *metrics.Sink) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := c.src(ctx)
	if err != nil {
		s.Fail(c.vrrp.state, fmt.Errorf("govrrpd snapshot: %w", err))
		return
	}
	c.vrrp.collect(s, d)
	c.reload.collect(s, d)
}

// vrrpStates are keepalived's state names; the state gauge has one
// series per state so that alerts can match state="MASTER" == 1.
var vrrpStates = []string{"INIT", "BACKUP", "MASTER", "FAULT", "STOP"}

type vrrpCollector struct {
	state, prio, eprio, maint, trans      *metrics.Desc
	sent, recv, drops, masterChg, garp    *metrics.Desc
	na, priZeroSent, priZeroRecv, sgState *metrics.Desc
	ifDrops                               *metrics.Desc
}

func newVRRPCollector() *vrrpCollector {
	return &vrrpCollector{
		state: metrics.Gauge("vrrp_state", "1 for the state the instance is in, 0 for the others.", "instance", "state"),
		prio:  metrics.Gauge("vrrp_priority", "Configured priority.", "instance"),
		eprio: metrics.Gauge("vrrp_effective_priority", "Priority after trackers, as advertised.", "instance"),
		maint: metrics.Gauge("vrrp_maintenance", "1 while the instance is held in maintenance (govrrpd ctl maintenance).", "instance"),
		trans: metrics.Counter("vrrp_transitions_total", "State transitions.", "instance", "from", "to", "reason"),
		sent:  metrics.Counter("vrrp_adverts_sent_total", "Adverts sent.", "instance"),
		recv:  metrics.Counter("vrrp_adverts_received_total", "Adverts received and accepted for the instance.", "instance"),
		drops: metrics.Counter("vrrp_adverts_dropped_total", "Received packets dropped, by reason (ttl, checksum, auth, vrid, version, interval, addresses, length, ...) and the daemon's finer detail (auth-failure, truncated, ...).",
			"instance", "reason", "detail"),
		masterChg:   metrics.Counter("vrrp_master_changes_total", "Times the instance became or stopped being master.", "instance", "change"),
		garp:        metrics.Counter("vrrp_garp_sent_total", "Gratuitous ARPs sent.", "instance"),
		na:          metrics.Counter("vrrp_na_sent_total", "Unsolicited neighbour advertisements sent.", "instance"),
		priZeroSent: metrics.Counter("vrrp_priority_zero_sent_total", "Priority-0 adverts sent (master resigning).", "instance"),
		priZeroRecv: metrics.Counter("vrrp_priority_zero_received_total", "Priority-0 adverts received.", "instance"),
		sgState:     metrics.Gauge("vrrp_sync_group_state", "1 for the state the sync group is in, 0 for the others.", "group", "state"),
		ifDrops: metrics.Counter("vrrp_interface_adverts_dropped_total", "Packets dropped before any instance could be named (undecodable, or a VRID no instance on the interface serves), by reason and detail.",
			"interface", "family", "reason", "detail"),
	}
}

func (c *vrrpCollector) describe() []*metrics.Desc {
	return []*metrics.Desc{c.state, c.prio, c.eprio, c.maint, c.trans, c.sent, c.recv, c.drops,
		c.masterChg, c.garp, c.na, c.priZeroSent, c.priZeroRecv, c.sgState, c.ifDrops}
}

func (c *vrrpCollector) collect(s *metrics.Sink, d status.Daemon) {
	for _, in := range d.Instances {
		n := in.Name
		for _, st := range vrrpStates {
			s.Emit(c.state, metrics.Bool(in.State == st), n, st)
		}
		s.Emit(c.prio, float64(in.Priority), n)
		s.Emit(c.eprio, float64(in.EffectivePriority), n)
		s.Emit(c.maint, metrics.Bool(in.Maintenance), n)
		st := in.Stats
		for _, t := range st.Transitions {
			s.Emit(c.trans, float64(t.Count), n, t.From, t.To, t.Reason)
		}
		s.Emit(c.sent, float64(st.AdvertsSent), n)
		s.Emit(c.recv, float64(st.AdvertsReceived), n)
		for _, r := range metrics.SortedKeys(st.Drops) {
			s.Emit(c.drops, float64(st.Drops[r]), n, status.DropClass(r), r)
		}
		s.Emit(c.masterChg, float64(st.BecameMaster), n, "became_master")
		s.Emit(c.masterChg, float64(st.ReleasedMaster), n, "released_master")
		s.Emit(c.garp, float64(st.GARPSent), n)
		s.Emit(c.na, float64(st.NASent), n)
		s.Emit(c.priZeroSent, float64(st.PriZeroSent), n)
		s.Emit(c.priZeroRecv, float64(st.PriZeroReceived), n)
	}
	for _, g := range d.SyncGroups {
		for _, st := range vrrpStates {
			s.Emit(c.sgState, metrics.Bool(g.State == st), g.Name, st)
		}
	}
	for _, i := range d.Interfaces {
		for _, r := range metrics.SortedKeys(i.Drops) {
			s.Emit(c.ifDrops, float64(i.Drops[r]), i.Name, i.Family, status.DropClass(r), r)
		}
	}
}

type reloadCollector struct {
	total, failed, noChange, lastSuccess, config *metrics.Desc
}

func newReloadCollector() *reloadCollector {
	return &reloadCollector{
		total:       metrics.Counter("reload_total", "Reloads (SIGHUP or govrrpd ctl reload) since start."),
		failed:      metrics.Counter("reload_failed_total", "Reloads refused (the running configuration was kept)."),
		noChange:    metrics.Counter("reload_no_change_total", "Reloads that found nothing the configuration is read from changed, and so read nothing."),
		lastSuccess: metrics.Gauge("reload_last_success_timestamp_seconds", "When a reload last applied; the start time before the first."),
		config:      metrics.Gauge("reload_config_info", "The running configuration's hash; always 1.", "config_hash", "config_file"),
	}
}

func (c *reloadCollector) describe() []*metrics.Desc {
	return []*metrics.Desc{c.total, c.failed, c.noChange, c.lastSuccess, c.config}
}

func (c *reloadCollector) collect(s *metrics.Sink, d status.Daemon) {
	s.Emit(c.total, float64(d.ReloadStats.Total))
	s.Emit(c.failed, float64(d.ReloadStats.Refused))
	s.Emit(c.noChange, float64(d.ReloadStats.NoChange))
	last := d.ReloadStats.LastSuccess
	if last.IsZero() {
		last = d.Started
	}
	s.Emit(c.lastSuccess, metrics.UnixSeconds(last))
	s.Emit(c.config, 1, d.ConfigHash, d.ConfigFile)
}
