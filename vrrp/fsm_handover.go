package vrrp

import (
	"net/netip"
	"time"
)

// Make-before-break shutdown. keepalived's master drops its addresses the
// moment it sends the priority-0 advert, so clients go unanswered for the
// backup's Skew_Time plus its takeover. A master stopped with
// ShutdownHandover resigns the same way on the wire but keeps its
// addresses until it hears the successor advertise: by then the successor
// has installed the addresses and sent its GARPs (both daemons do that
// before or with their first advert), so clients move from one live
// router to the other. The hold bounds the wait when nobody takes over.

// leavingState is a leaving master's state: when it resigned (its priority-0
// advert), the successor, once heard, and when, and when the handover
// timer is due.
type leavingState struct {
	leftAt   time.Time
	succ     netip.Addr
	succPrio uint8
	heardAt  time.Time
	until    time.Time
}

// successorGrace is how long a leaving master keeps its addresses after
// the successor's advert. keepalived advertises before it installs the
// addresses and sends its GARPs (0.5-0.6 ms later in the lab), so letting
// go on the advert itself would race the clients' move to the new MAC; a
// few more milliseconds of two holders cost nothing, since the successor's
// GARPs have moved the clients.
const successorGrace = 20 * time.Millisecond

// holdMargin is added to the longest Skew_Time for the successor's advert
// to cross the segment and reach the event loop.
const holdMargin = 100 * time.Millisecond

// handoverHold is the longest a backup may take to advertise after our
// priority-0 advert: its Skew_Time is under one Master_Adver_Interval,
// which is ours for VRRPv3 backups and 1 s for VRRPv2 ones.
func (m *Machine) handoverHold() time.Duration {
	iv := m.inst.AdvertInt
	if m.inst.Version == 2 {
		iv = time.Second
	}
	return iv + holdMargin
}

// HandoverHold is how long a master stopped by ShutdownHandover may hold
// its addresses at most.
func (m *Machine) HandoverHold() time.Duration { return m.handoverHold() }

// skewRounding is how much sooner than the exact Skew_Time a conforming
// peer may take over: RFC 5798 §6.1 counts the intervals in centiseconds,
// and FRR's vrrpd computes Skew_Time in whole centiseconds too, truncated
// (it took over 0.6 ms before the exact value less one priority step in
// the lab).
const skewRounding = 10 * time.Millisecond

// successorEarliest is the soonest after our resignation that an advert
// from priority p can come from a peer that heard it: Skew_Time(p), less
// one priority step (1/256 of the interval) for clock-rate differences
// between hosts and a centisecond for peers that round. At v3 10 ms
// adverts every Skew_Time is under a centisecond, so any advert after the
// resignation counts; the grace still keeps the addresses a little longer.
func (m *Machine) successorEarliest(p uint8) time.Duration {
	earliest := skewTime(int(m.inst.Version), p, m.inst.AdvertInt)
	earliest -= skewTime(int(m.inst.Version), 255, m.inst.AdvertInt) + skewRounding
	return max(earliest, 0)
}

// successorAdvert handles an advert heard while leaving. A priority-0
// advert is another master resigning, not a successor. An advert heard
// before successorEarliest was sent before its sender could have heard us
// resign (a split-brain peer, or a lower-priority master yielding to us):
// it proves nothing about the addresses having moved.
func (m *Machine) successorAdvert(now time.Time, ev Event) {
	if ev.Priority == 0 {
		return
	}
	h := m.ho
	if now.Sub(h.leftAt) < m.successorEarliest(ev.Priority) {
		return
	}
	if h.succ.IsValid() {
		return // already heard; the grace is running
	}
	h.succ, h.succPrio, h.heardAt = ev.Src, ev.Priority, now
	// The grace never stretches the shutdown past the hold.
	wait := min(successorGrace, h.leftAt.Add(m.handoverHold()).Sub(now))
	if wait <= 0 {
		m.release(now)
		return
	}
	m.arm(now, TimerHandover, wait)
}

// release ends the handover: the successor and when it was heard (none:
// the hold ran out) are reported first so the daemon can log why, then the
// addresses go and STOP is notified, in the order an immediate shutdown
// uses.
func (m *Machine) release(now time.Time) {
	h := m.ho
	a := Action{Kind: ActHandoverDone, After: now.Sub(h.leftAt)}
	if h.succ.IsValid() {
		a.Src, a.Priority, a.After = h.succ, h.succPrio, h.heardAt.Sub(h.leftAt)
	}
	m.ho = nil
	m.stop(TimerHandover)
	m.emit(a)
	m.emit(Action{Kind: ActRemoveAddresses})
	if m.started {
		// A maintenance handover: the instance stays, as BACKUP (or in
		// the FAULT it entered meanwhile, already notified).
		if m.state == StateBackup {
			if !m.maint {
				m.arm(now, TimerMasterDown, m.masterDown())
			}
			m.notify(StateBackup)
		}
		return
	}
	m.notify(StateStop)
}
