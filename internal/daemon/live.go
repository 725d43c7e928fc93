package daemon

import (
	"context"

	"github.com/govrrpd/govrrpd/internal/status"
)

// evLive asks for the changing part of the state, written into buf.
type evLive struct {
	buf   []status.LiveInstance
	reply chan status.Live
}

func (evLive) loopEvent() {}

// Live is the web console's once-a-second read (status.Live): the
// instances' changing fields appended to buf[:0], so a steady daemon
// allocates nothing for it, unlike Snapshot. After a failed call the loop
// may still write into buf: the caller must not reuse it.
func (d *Daemon) Live(ctx context.Context, buf []status.LiveInstance) (status.Live, error) {
	c := make(chan status.Live, 1)
	return call(ctx, d, evLive{buf: buf[:0], reply: c}, c)
}

func (d *Daemon) live(buf []status.LiveInstance) status.Live {
	l := status.Live{ConfigHash: d.configHash, ReloadStats: d.reloadStats, Instances: buf}
	for _, in := range d.insts {
		li := status.LiveInstance{Name: in.cfg.Name, State: in.m.State().String(), EffectivePriority: int(in.m.Priority()),
			MasterAddr: in.m.MasterAddr(), Maintenance: in.m.InMaintenance(), LastTransition: in.lastTransition,
			LastReason: in.lastReasonText()}
		l.Instances = append(l.Instances, li)
	}
	if d.lvsSub != nil {
		l.VirtualServers = d.lvsSub.Snapshot()
	}
	return l
}
