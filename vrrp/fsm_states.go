package vrrp

import "time"

// timer handles an expiry. Expiries of timers that were stopped or re-armed
// since are dropped, so the daemon may race a StopTimer with a firing timer.
func (m *Machine) timer(now time.Time, t TimerID) {
	if t >= numTimers || !m.armed[t] || now.Before(m.deadlineOf(t)) {
		return
	}
	m.armed[t] = false
	g := m.inst.GARP
	switch {
	case t == TimerHandover:
		if m.ho != nil {
			m.release(now)
		}
	case t == TimerMasterDown && m.state == StateBackup:
		if m.maint {
			return // lifting maintenance re-arms it
		}
		if m.synced {
			// MASTER only when every member wants it (features.md §6);
			// the group issues GroupMaster when that holds.
			m.wantMaster = true
			return
		}
		m.becomeMaster(now)
	case m.state != StateMaster:
		// a master-only timer outliving MASTER: nothing to do
	case t == TimerAdvert:
		m.emit(Action{Kind: ActSendAdvert, Priority: m.eff})
		m.arm(now, TimerAdvert, m.inst.AdvertInt)
		m.lowerPrioEnded(now)
	case t == TimerGARPDelay:
		m.emit(Action{Kind: ActSendGARP, Count: g.MasterRepeat})
	case t == TimerGARPRefresh:
		m.emit(Action{Kind: ActSendGARP, Count: g.MasterRefreshRepeat})
		m.arm(now, TimerGARPRefresh, g.MasterRefresh)
	case t == TimerGARPLowerPrio:
		m.emit(Action{Kind: ActSendGARP, Count: g.LowerPrioRepeat})
	}
}

// advert handles a received advert that passed the receive checks. FAULT,
// INIT and STOP ignore adverts (runtime.md §10), but for a leaving master
// waiting for its successor (fsm_handover.go).
func (m *Machine) advert(now time.Time, ev Event) {
	if ev.Version != 0 && ev.Version != int(m.inst.Version) {
		return
	}
	if m.ho != nil {
		m.successorAdvert(now, ev)
		return
	}
	if m.inst.OwnerIgnoreAdverts && m.owner() {
		return
	}
	switch m.state {
	case StateBackup:
		m.backupAdvert(now, ev)
	case StateMaster:
		m.masterAdvert(now, ev)
	}
}

// backupAdvert is RFC 5798 §6.4.2 with keepalived's preempt_delay.
func (m *Machine) backupAdvert(now time.Time, ev Event) {
	if ev.Priority == 0 {
		// the master resigns: take over after Skew_Time only
		m.arm(now, TimerMasterDown, m.skew())
		return
	}
	lower := ev.Priority < m.eff
	if lower && !m.nopreempt() && !m.maint && !m.preemptHold(now) {
		// preemption: let the master-down timer run out
		return
	}
	if !lower {
		m.endPreemptHold()
	}
	m.masterAddr = ev.Src
	if m.inst.Version == 3 && ev.Interval > 0 {
		m.masterAdverInt = ev.Interval
	}
	m.wantMaster = false
	m.arm(now, TimerMasterDown, m.masterDown())
}

// preemptHold reports whether preempt_delay still forbids preempting; the
// hold starts at startup or at the first lower-priority advert after an
// acceptable master.
func (m *Machine) preemptHold(now time.Time) bool {
	if m.preemptUntil == nil { // no preempt_delay
		return false
	}
	if m.preemptUntil.IsZero() {
		*m.preemptUntil = now.Add(m.preemptDelay())
		return true
	}
	return now.Before(*m.preemptUntil)
}

// endPreemptHold forgets a preempt_delay hold: the next lower-priority
// advert starts a new one.
func (m *Machine) endPreemptHold() {
	if m.preemptUntil != nil {
		*m.preemptUntil = time.Time{}
	}
}

// masterAdvert is RFC 5798 §6.4.3 with keepalived's additions: a master
// that hears a lower priority answers at once ("forcing new election") and
// repeats its GARPs to repair a split brain.
func (m *Machine) masterAdvert(now time.Time, ev Event) {
	if ev.Priority == 0 {
		m.emit(Action{Kind: ActSendAdvert, Priority: m.eff})
		m.arm(now, TimerAdvert, m.inst.AdvertInt)
		return
	}
	if ev.Priority > m.eff || (ev.Priority == m.eff && ev.Src.Compare(m.addr) > 0) {
		if m.inst.HigherPrioSendAdvert {
			m.emit(Action{Kind: ActSendAdvert, Priority: m.eff})
		}
		m.masterAddr = ev.Src
		if m.inst.Version == 3 && ev.Interval > 0 {
			m.masterAdverInt = ev.Interval
		}
		m.leaveMaster(now)
		return
	}
	if m.inst.LowerPrioNoAdvert {
		return
	}
	m.answerLowerPrio(now, ev)
}

// groupCommand applies a sync group's decision (sync.go).
func (m *Machine) groupCommand(now time.Time, c GroupCmd) {
	switch c {
	case GroupFaultOn, GroupFaultOff:
		m.groupFault = c == GroupFaultOn
		m.reconcile(now)
	case GroupMaster:
		if m.state == StateBackup && !m.maint {
			m.becomeMaster(now)
		}
	case GroupBackup:
		m.wantMaster = false
		if m.state == StateMaster {
			m.leaveMaster(now)
		}
	}
}
