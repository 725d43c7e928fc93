package vrrp

import (
	"time"
)

// Maintenance lets an operator take a router out of service without
// stopping it: a master hands its addresses over make-before-break, as on
// ShutdownHandover (fsm_handover.go), but the instance keeps running as a
// BACKUP that never takes mastership, so it is ready to serve the moment
// maintenance is lifted. It is the machine's own state rather than a
// priority trick: priority 0 is reserved on the wire, and a low priority
// would still win an election with nobody else present.

func (m *Machine) maintenance(now time.Time, on bool) {
	if m.maint == on {
		return
	}
	m.maint = on
	if !m.started {
		return
	}
	if !on {
		if m.state == StateBackup && m.ho == nil {
			m.arm(now, TimerMasterDown, m.masterDown())
		}
		return
	}
	m.wantMaster = false
	if m.state != StateMaster {
		return
	}
	m.stopMasterTimers()
	m.emit(Action{Kind: ActSendAdvert, Priority: 0})
	m.state = StateBackup
	m.ho = &leavingState{leftAt: now}
	m.arm(now, TimerHandover, m.handoverHold())
}
