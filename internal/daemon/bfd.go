package daemon

import (
	"time"

	"github.com/govrrpd/govrrpd/bfd"
	"github.com/govrrpd/govrrpd/internal/bfdsub"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/internal/track"
	"github.com/govrrpd/govrrpd/vrrp"
)

// The BFD subsystem (internal/bfdsub) runs on the event loop: its
// sessions' timers sit on the loop's timer heap beside the instances'
// (one wake-up serves both), its packets arrive as events like VRRP
// packets, and a session coming Up or leaving Up reaches VRRP as a
// tracker result and the LVS side as a BFD_CHECK verdict, as keepalived's
// BFD child writes to the VRRP and checker children's pipes.

// The BFD sessions' timer ids, after vrrp's own (numTimers): they say
// how fireDue may treat a BFD timer (a detection expiry is never fired
// early and waits for the queued packets).
const (
	timerBFDTx = vrrp.TimerID(numTimers + iota)
	timerBFDDetect
)

// evBFD is one received BFD control packet.
type evBFD struct{ d bfdsub.Datagram }

func (evBFD) loopEvent() {}

// bfdTimer is a BFD session's timer on the loop's heap (bfdsub.Timer).
type bfdTimer struct {
	ts   *timers
	fire func(now time.Time)
	id   vrrp.TimerID // timerBFDTx or timerBFDDetect
	ix   int32        // position on the heap + 1, 0 when not armed
}

func (b *bfdTimer) Arm(at time.Time) {
	if b.ix > 0 {
		b.ts.h[b.ix-1].at = at
		b.ts.h.fix(int(b.ix - 1))
		return
	}
	b.ts.push(timer{at: at, bfd: b, id: b.id})
}

func (b *bfdTimer) Stop() {
	if b.ix > 0 {
		b.ts.removeAt(b.ix)
	}
}

// bfdTimers is the loop's timer service as bfdsub sees it.
type bfdTimers struct{ ts *timers }

func (s bfdTimers) NewTimer(id bfd.TimerID, fire func(time.Time)) bfdsub.Timer {
	b := &bfdTimer{ts: s.ts, fire: fire, id: timerBFDTx}
	if id == bfd.TimerDetect {
		b.id = timerBFDDetect
	}
	return b
}

// startBFD runs the sessions unless -B; with no bfd_instance it opens
// nothing until a reload brings one.
func (d *Daemon) startBFD() {
	if d.opts.NoBFD {
		if len(d.cfg.BFDs) > 0 {
			d.log.Warn("-B: bfd_instance blocks are not run; track_bfd stays down and BFD_CHECK keeps its initial state")
		}
		return
	}
	b, err := bfdsub.New(bfdsub.Options{Log: d.log, Net: d.bfdNet, Timers: bfdTimers{&d.timers}, Now: d.now,
		Deliver: func(dg bfdsub.Datagram) { d.post(evBFD{dg}) }, OnChange: d.bfdChange})
	if err != nil {
		d.log.Error("BFD not started", "err", err)
		return
	}
	d.bfd = b
	d.bfd.Start(d.cfg.BFDs)
}

// bfdChange runs on the loop, from a BFD packet, timer or reload.
func (d *Daemon) bfdChange(c bfdsub.Change) {
	if c.ToVRRP {
		d.trackResult(d.now(), track.Result{Kind: vrrp.TrackKindBFD, Name: c.Name, Up: c.Up})
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
