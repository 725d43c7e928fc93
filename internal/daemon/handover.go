package daemon

import (
	"errors"
	"fmt"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"

	"github.com/govrrpd/govrrpd/vrrp"
)

// On SIGTERM a master resigns with a priority-0 advert but keeps its VIPs,
// and keeps answering clients, until it hears its successor advertise
// (vrrp/fsm_handover.go decides when). The event loop has ended by then,
// so this smaller loop keeps the packets and timers the machines need
// flowing; every instance waits at the same time, so the whole shutdown
// grows by one hold at most.

// handoverSlack is how far past the longest hold the daemon waits before
// releasing on its own: the machines' hold timers end the wait first; this
// only guards against a timer that never fires leaving VIPs behind.
const handoverSlack = time.Second

var errStopping = errors.New("govrrpd is stopping")

// handoverEvent is the Shutdown event for this run: make-before-break by
// default; at once with --release-at-once, and with -V, whose VIPs stay
// anyway and which must not delay the exit.
func (d *Daemon) handoverEvent() vrrp.Event {
	if d.opts.ReleaseAtOnce || d.opts.DontReleaseVRRP {
		return vrrp.Shutdown()
	}
	return vrrp.ShutdownHandover()
}

// leaving lists the instances still holding VIPs for a handover.
func (d *Daemon) leaving() []*instance {
	var out []*instance
	for _, in := range d.insts {
		if in.m.Leaving() {
			out = append(out, in)
		}
	}
	return out
}

// awaitHandovers receives adverts and fires timers until no instance is
// leaving. Other events are dropped: trackers are stopped, and a reload
// or a link change no longer matters to a daemon on its way out; API
// callers get an error rather than waiting for ever.
func (d *Daemon) awaitHandovers() {
	if len(d.leaving()) == 0 {
		return
	}
	var hold time.Duration
	for _, in := range d.leaving() {
		hold = max(hold, in.m.HandoverHold())
	}
	limit := time.NewTimer(hold + handoverSlack)
	defer limit.Stop()
	for {
		// Timers first: the one that ends the last hold ends the wait.
		d.fireDue()
		if len(d.leaving()) == 0 {
			return
		}
		d.wake.Set(d.timers.next())
		select {
		case ev := <-d.events:
			d.handleStopping(ev)
		case <-d.wake.C():
		case <-limit.C:
			// Past its deadline, the expiry releases even if the timer
			// itself was lost.
			for _, in := range d.leaving() {
				d.log.Warn("handover: hold timer never fired", "instance", in.cfg.Name)
				d.feed(in, d.now(), vrrp.TimerFired(vrrp.TimerHandover))
			}
			return
		}
	}
}

// handleStopping handles an event while the daemon stops.
func (d *Daemon) handleStopping(ev event) {
	switch e := ev.(type) {
	case evPacket, *evPackets, evBFD: // BFD's timers still run: its packets must too
		d.handle(e)
	case evSnapshot:
		e.reply <- d.snapshot()
	case evLive:
		e.reply <- d.live(e.buf)
	case evMetricsRead:
		e.reply <- d.metricsRead(e.buf)
	case evPlanBase:
		e.reply <- d.planBase()
	case evMaintenance:
		e.reply <- errStopping
	case evDrain:
		e.reply <- errStopping
	case evReloadReq:
		e.reply <- status.Reload{At: d.now(), Result: "refused", Error: errStopping.Error()}
	case evReloaded:
		for _, r := range e.reply {
			r <- status.Reload{At: d.now(), Result: "refused", Error: errStopping.Error()}
		}
	case evHashed:
		for _, r := range e.reply {
			r <- status.Reload{At: d.now(), Result: "refused", Error: errStopping.Error()}
		}
	}
}

// handoverDone logs why a leaving master releases its VIPs.
func (d *Daemon) handoverDone(in *instance, a vrrp.Action) {
	ms := float64(a.After) / float64(time.Millisecond)
	if a.Src.IsValid() {
		d.log.Info(fmt.Sprintf("handover: successor %s heard after %.1f ms, releasing VIPs", a.Src, ms),
			"instance", in.cfg.Name, "successor_priority", a.Priority)
		return
	}
	d.log.Info(fmt.Sprintf("handover: no successor within %.1f ms, releasing VIPs", ms), "instance", in.cfg.Name)
}
