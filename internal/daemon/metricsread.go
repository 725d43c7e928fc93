package daemon

import (
	"context"
	"maps"

	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/vrrp"
)

// evMetricsRead asks for what the VRRP and reload collectors read,
// written into buf.
type evMetricsRead struct {
	buf   status.Daemon
	reply chan status.Daemon
}

func (evMetricsRead) loopEvent() {}

// metricsRead is a scrape's read of the loop, in the way Live is the
// console's: only the fields the collectors emit (no trackers, VIPs,
// peers or history, none of the LVS subsystem, which registers and reads
// its own), copied into buf's slices and maps, so that the loop's part of
// a steady daemon's scrape is copying counters. Transitions are left
// unsorted: the registry orders the samples.
func (d *Daemon) metricsRead(buf status.Daemon) status.Daemon {
	s := status.Daemon{Started: d.started, ConfigFile: d.opts.ConfigFile, ConfigHash: d.configHash,
		ReloadStats: d.reloadStats, Instances: buf.Instances[:0], SyncGroups: buf.SyncGroups[:0],
		Interfaces: buf.Interfaces[:0]}
	for i, in := range d.insts {
		var st status.Instance
		if i < cap(s.Instances) {
			st = s.Instances[:i+1][i] // its Drops and Transitions are reused
		}
		s.Instances = append(s.Instances, metricsInstance(in, st))
	}
	for _, in := range d.insts {
		if g := in.group; g != nil && g.members[0] == in && g.m != nil {
			s.SyncGroups = append(s.SyncGroups, status.SyncGroup{Name: g.cfg.Name, State: g.m.State().String()})
		}
	}
	for i, k := range d.sockKeys() {
		var drops map[string]uint64
		if i < cap(s.Interfaces) {
			drops = s.Interfaces[:i+1][i].Drops
		}
		s.Interfaces = append(s.Interfaces, status.Interface{Name: k.ifname, Family: k.familyName(),
			Drops: refill(drops, d.socks[k].drops)})
	}
	return s
}

// metricsInstance fills st, whose Drops and Transitions it reuses, with
// what the VRRP collector emits of in.
func metricsInstance(in *instance, st status.Instance) status.Instance {
	trans := appendTransitions(st.Stats.Transitions[:0], in.stats.trans)
	return status.Instance{Name: in.cfg.Name, State: in.m.State().String(), Priority: int(in.cfg.Priority),
		EffectivePriority: int(in.m.Priority()), Maintenance: in.m.InMaintenance(),
		Stats: in.statsStatus(refill(st.Stats.Drops, in.stats.drops), trans)}
}

// familyName is the socket's family as the status names it.
func (k sockKey) familyName() string {
	if k.family == 6 {
		return familyName(vrrp.IPv6)
	}
	return familyName(vrrp.IPv4)
}

// refill makes dst a copy of src, reusing dst's storage.
func refill(dst, src map[string]uint64) map[string]uint64 {
	if dst == nil {
		dst = make(map[string]uint64, len(src))
	}
	clear(dst)
	maps.Copy(dst, src)
	return dst
}

// MetricsRead is a scrape's read of the loop (metricsRead), into buf.
// After a failed call the loop may still write into buf: the caller must
// not reuse it.
func (d *Daemon) MetricsRead(ctx context.Context, buf status.Daemon) (status.Daemon, error) {
	c := make(chan status.Daemon, 1)
	return call(ctx, d, evMetricsRead{buf: buf, reply: c}, c)
}
