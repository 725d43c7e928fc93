package daemon

import (
	"time"

	"github.com/govrrpd/govrrpd/bfd"
	"github.com/govrrpd/govrrpd/internal/bfdsub"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/internal/track"
	"github.com/govrrpd/govrrpd/vrrp"
)

// The BFD subsystem (internal/bfdsub) runs beside the event loop. A
// session coming Up or leaving Up reaches VRRP as a tracker result, in
// order with every other event, and the LVS side directly (it queues on
// its own goroutine), as keepalived's BFD child writes to the VRRP and
// checker children's pipes.

// startBFD runs the sessions unless -B; with no bfd_instance it opens
// nothing until a reload brings one.
func (d *Daemon) startBFD() {
	if d.opts.NoBFD {
		if len(d.cfg.BFDs) > 0 {
			d.log.Warn("-B: bfd_instance blocks are not run; track_bfd stays down and BFD_CHECK keeps its initial state")
		}
		return
	}
	d.bfd = bfdsub.New(bfdsub.Options{Log: d.log, OnChange: d.bfdChange})
	d.bfd.Start(d.cfg.BFDs)
}

func (d *Daemon) bfdChange(c bfdsub.Change) {
	if c.ToVRRP {
		d.post(evTrack{track.Result{Kind: vrrp.TrackKindBFD, Name: c.Name, Up: c.Up}})
	}
	if c.ToChecker && d.lvs != nil {
		d.lvs.BFD(c.Name, c.Up)
	}
}

// replayBFD gives an instance started or rebuilt by a reload the sessions
// that are Up (a tracked session starts down).
func (d *Daemon) replayBFD(in *instance, now time.Time) {
	if d.bfd == nil {
		return
	}
	for _, st := range d.bfd.Snapshot() {
		d.feed(in, now, vrrp.TrackerUp(vrrp.TrackKindBFD, st.Name, st.State == bfd.Up))
	}
}

func (d *Daemon) reloadBFD() {
	switch {
	case d.bfd != nil:
		d.bfd.Reload(d.cfg.BFDs)
	case len(d.cfg.BFDs) > 0:
		d.startBFD()
	}
}

func (d *Daemon) stopBFD() {
	if d.bfd != nil {
		d.bfd.Stop()
	}
}

// bfdStatus is the sessions as the API shows them.
func (d *Daemon) bfdStatus() []status.BFDSession {
	if d.bfd == nil {
		return nil
	}
	var out []status.BFDSession
	ms := func(v time.Duration) float64 { return float64(v) / float64(time.Millisecond) }
	for _, st := range d.bfd.Snapshot() {
		out = append(out, status.BFDSession{Name: st.Name, Neighbor: st.Neighbor, State: st.State.String(),
			RemoteState: st.Remote.String(), Diag: st.Diag.String(), TxInterval: ms(st.TxInterval),
			DetectTime: ms(st.DetectTime)})
	}
	return out
}
