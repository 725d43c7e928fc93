package vrrp

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// ownerStartDelay is how long an address owner that wants MASTER waits in
// BACKUP(init): keepalived arms its master-down timer with one microsecond,
// so the BACKUP notify still happens first.
const ownerStartDelay = time.Microsecond

// MachineOptions carries what the settings cannot know.
type MachineOptions struct {
	// Addr is "our address" for the equal-priority tie-break: the
	// unicast_src_ip / mcast_src_ip if set, else the interface's primary
	// address, which only the daemon can look up. If unset the configured
	// source addresses are used.
	Addr netip.Addr
	// Tracking holds the instance's trackers; nil means none.
	Tracking *Tracking
	// Storage, if not nil, is a zeroed Machine to build in instead of a
	// new one: a daemon running thousands of instances allocates their
	// machines together, away from its start-up garbage (issue #12).
	Storage *Machine
}

// Machine is one vrrp_instance's protocol state machine. It is not safe for
// concurrent use; the daemon serialises events per instance.
type Machine struct {
	// inst holds the settings, read through: a daemon running thousands
	// of instances keeps them once, in its configuration, not a copy in
	// every machine as well (issue #12: 120 bytes a machine). They must
	// not change under the machine; a reload that keeps the instance's
	// state hands over the new configuration's copy (SetInstance).
	inst  *Instance
	track *Tracking
	addr  netip.Addr // "our address" for the tie-break (MachineOptions.Addr)

	// The byte-sized fields together, in two words: thousands of
	// machines (issue #12).
	state      State
	base       uint8
	eff        uint8
	started    bool // Startup seen (and no Shutdown since)
	ifDown     bool
	trackFault bool
	groupFault bool
	synced     bool // member of a sync group: MASTER only on the group's word
	maint      bool // operator maintenance: never MASTER (fsm_maintenance.go)
	wantMaster bool
	// ownerCfg: configured as the address owner (priority 255) when
	// built, so runtime.md §9's owner rules apply (nopreempt off, no
	// preempt_delay, accept on), whatever priority a reload gives later.
	ownerCfg bool
	armed    [numTimers]bool

	masterAdverInt time.Duration
	masterAddr     netip.Addr
	// preemptUntil is when the preempt_delay hold ends (zero: none
	// started); nil without preempt_delay, as most instances run
	// (issue #12: 16 bytes less a machine).
	preemptUntil *time.Time

	// A master stopped by ShutdownHandover keeps its addresses until a
	// successor is heard (fsm_handover.go); nil while not leaving.
	ho *leavingState

	// Answers to lower-priority adverts (fsm_lowerprio.go); nil until
	// the first of an episode, and again once it ended. Both are made
	// when needed: thousands of machines use neither (issue #12: 112
	// bytes each).
	lower *lowerPrioLimit

	// deadline is when each armed timer is due, but the handover's,
	// which is kept with the rest of the handover (ho.until): thousands of
	// machines never leave that way (issue #12).
	deadline [TimerHandover]time.Time

	out []Action
}

// NewMachine builds a machine from settings whose defaults confparse has
// already applied; missing timing settings are an error rather than a
// silent default. The machine reads inst for its life (SetInstance).
func NewMachine(inst *Instance, opt MachineOptions) (*Machine, error) {
	if err := checkInstance(inst); err != nil {
		return nil, fmt.Errorf("vrrp %s: %w", inst.Name, err)
	}
	addr := opt.Addr
	if o := inst.Opts; o != nil && !addr.IsValid() {
		addr = o.UnicastSrc
		if !addr.IsValid() {
			addr = o.McastSrc
		}
	}
	m := opt.Storage
	if m == nil {
		m = new(Machine)
	}
	*m = Machine{inst: inst, addr: addr, base: inst.Priority, track: opt.Tracking, masterAdverInt: inst.AdvertInt,
		ownerCfg: inst.Priority == OwnerPriority}
	if m.preemptDelay() > 0 {
		m.preemptUntil = new(time.Time)
	}
	m.recompute()
	return m, nil
}

func checkInstance(inst *Instance) error {
	switch {
	case inst.Priority == 0:
		return errors.New("priority 0 is reserved for resigning masters")
	case inst.Version != 2 && inst.Version != 3:
		return fmt.Errorf("version %d is not 2 or 3", inst.Version)
	case inst.AdvertInt <= 0:
		return errors.New("advert_int is not set")
	case inst.DownTimerAdverts < 1:
		return errors.New("down_timer_adverts is not set")
	case inst.DownTimerAdverts > 100:
		return fmt.Errorf("down_timer_adverts %d is over 100", inst.DownTimerAdverts)
	}
	return nil
}

// SetInstance hands the machine the settings of a reload that keeps the
// instance's state: equal to the ones it runs on but for the name, the
// priority (PriorityChanged), the VIPs, notify and auth_hmac, none of
// which it reads from them. The old configuration can then go.
func (m *Machine) SetInstance(inst *Instance) error {
	if err := checkInstance(inst); err != nil {
		return fmt.Errorf("vrrp %s: %w", inst.Name, err)
	}
	m.inst = inst
	return nil
}

// nopreempt, preemptDelay and accept are the settings with the owner
// rules applied.
func (m *Machine) nopreempt() bool { return m.inst.Nopreempt && !m.ownerCfg }

func (m *Machine) accept() bool { return m.inst.Accept || m.ownerCfg }

func (m *Machine) preemptDelay() time.Duration {
	if m.ownerCfg || m.inst.Opts == nil {
		return 0
	}
	return m.inst.Opts.PreemptDelay
}

// State is the current protocol state.
func (m *Machine) State() State { return m.state }

// Name is the instance name.
func (m *Machine) Name() string { return m.inst.Name }

// Priority is the effective priority (base adjusted by trackers).
func (m *Machine) Priority() uint8 { return m.eff }

// Addr is the address used for the equal-priority tie-break.
func (m *Machine) Addr() netip.Addr { return m.addr }

// MasterAddr is the master last heard from (ourselves while MASTER).
func (m *Machine) MasterAddr() netip.Addr { return m.masterAddr }

// Leaving reports a master that has resigned (priority-0 advert sent) but
// still holds its addresses, waiting for a successor or its hold to run out;
// the daemon keeps feeding it packets and timers until this is false.
func (m *Machine) Leaving() bool { return m.ho != nil }

// WantsMaster reports a sync-group member whose master-down timer expired
// and which waits for the rest of its group.
func (m *Machine) WantsMaster() bool { return m.wantMaster }

// InMaintenance reports whether an operator holds the instance out of
// mastership.
func (m *Machine) InMaintenance() bool { return m.maint }

// OwnFault reports a fault of the instance itself, not one imposed by its
// sync group.
func (m *Machine) OwnFault() bool {
	return (m.ifDown && !m.inst.DontTrackPrimary) || m.trackFault
}

// Handle applies one event at time now and returns the actions to carry out
// in order. The returned slice is reused by the next call.
func (m *Machine) Handle(now time.Time, ev Event) []Action {
	m.out = m.out[:0]
	m.handle(now, ev)
	return m.out
}

// HandleInto is Handle writing the actions over buf instead of the
// machine's own buffer, which it then never allocates: a daemon running
// thousands of machines one event at a time shares one buffer among them
// (640 bytes a machine otherwise).
func (m *Machine) HandleInto(buf []Action, now time.Time, ev Event) []Action {
	own := m.out
	m.out = buf[:0]
	m.handle(now, ev)
	buf, m.out = m.out, own
	return buf
}

func (m *Machine) handle(now time.Time, ev Event) {
	switch ev.Kind {
	case EvStartup:
		m.startup(now)
	case EvAdvert:
		m.advert(now, ev)
	case EvTimer:
		m.timer(now, ev.Timer)
	case EvPriority:
		if ev.Priority != 0 {
			m.base = ev.Priority
			m.reconcile(now)
		}
	case EvTracker:
		if m.track != nil && m.track.Set(ev.Track, ev.Name, ev.Up, ev.Value) {
			m.reconcile(now)
		}
	case EvInterface:
		m.ifDown = !ev.Up
		m.reconcile(now)
	case EvShutdown:
		m.shutdown(now, ev.Handover)
	case EvGroup:
		m.groupCommand(now, ev.Group)
	case EvMaintenance:
		m.maintenance(now, ev.Up)
	}
}

func (m *Machine) emit(a Action) { m.out = append(m.out, a) }

func (m *Machine) arm(now time.Time, t TimerID, d time.Duration) {
	at := now.Add(d)
	m.armed[t] = true
	if t == TimerHandover {
		m.ho.until = at // armed only while leaving
	} else {
		m.deadline[t] = at
	}
	m.emit(Action{Kind: ActArmTimer, Timer: t, After: d, At: at})
}

// deadlineOf is when the armed timer t is due; the handover's is zero
// without a handover under way, whose expiry then does nothing.
func (m *Machine) deadlineOf(t TimerID) time.Time {
	if t == TimerHandover {
		if m.ho == nil {
			return time.Time{}
		}
		return m.ho.until
	}
	return m.deadline[t]
}

func (m *Machine) stop(t TimerID) {
	if m.armed[t] {
		m.armed[t] = false
		m.emit(Action{Kind: ActStopTimer, Timer: t})
	}
}

func (m *Machine) notify(s State) { m.emit(Action{Kind: ActNotify, State: s, Priority: m.eff}) }

// recompute refreshes the effective priority and the tracker fault.
func (m *Machine) recompute() {
	m.eff, m.trackFault = m.base, false
	if m.track != nil {
		m.eff, m.trackFault = m.track.Effective(m.base)
	}
}

func (m *Machine) owner() bool { return m.base == OwnerPriority }

func (m *Machine) faulty() bool { return m.OwnFault() || m.groupFault }

// skew is Skew_Time from the effective priority: v2 uses whole seconds
// (RFC 3768), v3 scales by Master_Adver_Interval (RFC 5798).
func (m *Machine) skew() time.Duration {
	return skewTime(int(m.inst.Version), m.eff, m.masterAdverInt)
}

func skewTime(version int, prio uint8, iv time.Duration) time.Duration {
	if version == 2 {
		iv = time.Second
	}
	return time.Duration(256-int(prio)) * iv / 256
}

// masterDown is Master_Down_Interval with keepalived's down_timer_adverts
// in place of RFC's fixed 3.
func (m *Machine) masterDown() time.Duration {
	return time.Duration(m.inst.DownTimerAdverts)*m.masterAdverInt + m.skew()
}

func (m *Machine) startup(now time.Time) {
	if m.started {
		return
	}
	m.started, m.state = true, StateInit
	m.wantMaster, m.masterAddr = false, netip.Addr{}
	m.ho = nil
	m.stop(TimerHandover)
	m.masterAdverInt = m.inst.AdvertInt
	if m.preemptUntil != nil {
		*m.preemptUntil = now.Add(m.preemptDelay())
	}
	// A restart must never leave addresses from a previous run behind.
	m.emit(Action{Kind: ActRemoveAddresses})
	m.recompute()
	if m.track != nil && m.track.Pending() {
		return
	}
	m.enterFirst(now)
}

// enterFirst leaves INIT (or FAULT) for BACKUP, or FAULT while faulty.
func (m *Machine) enterFirst(now time.Time) {
	if m.faulty() {
		m.enterFault()
		return
	}
	m.state = StateBackup
	m.wantMaster = false
	if m.owner() && m.inst.State == WantMaster {
		m.arm(now, TimerMasterDown, ownerStartDelay)
	} else {
		m.arm(now, TimerMasterDown, m.masterDown())
	}
	m.notify(StateBackup)
}

// reconcile applies a change of priority, tracker, interface or group fault.
func (m *Machine) reconcile(now time.Time) {
	old := m.eff
	m.recompute()
	if m.eff != old && m.inst.NotifyPriorityChanges && (m.state == StateMaster || m.state == StateBackup) {
		m.emit(Action{Kind: ActNotifyPriority, State: m.state, Priority: m.eff})
	}
	if !m.started {
		return
	}
	switch {
	case m.state == StateInit:
		if m.track == nil || !m.track.Pending() {
			m.enterFirst(now)
		}
	case m.faulty() && m.state != StateFault:
		m.enterFault()
	case !m.faulty() && m.state == StateFault:
		m.enterFirst(now)
	}
}

func (m *Machine) stopMasterTimers() {
	for _, t := range [...]TimerID{TimerAdvert, TimerGARPDelay, TimerGARPRefresh, TimerGARPLowerPrio} {
		m.stop(t)
	}
}

// becomeMaster installs the addresses, announces them, sends the first
// advert, arms the GARP timers, then notifies (keepalived's order, but for
// the first advert: see below).
func (m *Machine) becomeMaster(now time.Time) {
	m.stop(TimerMasterDown)
	m.state, m.wantMaster = StateMaster, false
	m.masterAddr, m.masterAdverInt = m.addr, m.inst.AdvertInt
	m.endPreemptHold()
	m.lower = nil // a new mastership answers at once again
	// Addresses and GARP go out before the first advert (keepalived and
	// RFC 5798 §6.4.2 list the advert first). When this is a preemption,
	// the old master drops the VIPs the moment it hears our advert; by
	// then the clients have already moved to our MAC, so they see no gap.
	// Peers cannot tell the difference: the three are sent back to back.
	m.emit(Action{Kind: ActAddAddresses, Accept: m.accept()})
	g := m.inst.GARP
	if g.MasterRepeat > 0 {
		m.emit(Action{Kind: ActSendGARP, Count: g.MasterRepeat})
	}
	m.emit(Action{Kind: ActSendAdvert, Priority: m.eff})
	m.arm(now, TimerAdvert, m.inst.AdvertInt)
	if g.MasterDelay > 0 && g.MasterRepeat > 0 {
		m.arm(now, TimerGARPDelay, g.MasterDelay)
	}
	if g.MasterRefresh > 0 && g.MasterRefreshRepeat > 0 {
		m.arm(now, TimerGARPRefresh, g.MasterRefresh)
	}
	m.notify(StateMaster)
}

// leaveMaster goes MASTER → BACKUP without a priority-0 advert: the new
// master is already advertising.
func (m *Machine) leaveMaster(now time.Time) {
	m.stopMasterTimers()
	m.emit(Action{Kind: ActRemoveAddresses})
	m.state, m.wantMaster = StateBackup, false
	m.arm(now, TimerMasterDown, m.masterDown())
	m.notify(StateBackup)
}

// enterFault resigns first when MASTER so backups take over after Skew_Time
// instead of a full Master_Down_Interval.
func (m *Machine) enterFault() {
	if m.state == StateMaster {
		m.stopMasterTimers()
		m.emit(Action{Kind: ActSendAdvert, Priority: 0})
		m.emit(Action{Kind: ActRemoveAddresses})
	}
	m.stop(TimerMasterDown)
	m.state, m.wantMaster = StateFault, false
	m.notify(StateFault)
}

func (m *Machine) shutdown(now time.Time, handover bool) {
	if !m.started {
		return
	}
	if m.ho != nil {
		// A maintenance handover is under way: it keeps running, and its
		// release reports STOP now.
		m.maint, m.started, m.wantMaster, m.state = false, false, false, StateStop
		m.stop(TimerMasterDown)
		return
	}
	wasMaster := m.state == StateMaster
	if wasMaster {
		m.stopMasterTimers()
		m.emit(Action{Kind: ActSendAdvert, Priority: 0})
		if handover {
			// handover.go: the addresses stay until a successor speaks.
			m.started, m.wantMaster, m.state = false, false, StateStop
			m.ho = &leavingState{leftAt: now}
			m.arm(now, TimerHandover, m.handoverHold())
			return
		}
		m.emit(Action{Kind: ActRemoveAddresses})
	}
	m.stop(TimerMasterDown)
	m.started, m.wantMaster = false, false
	m.state = StateStop
	m.notify(StateStop)
}

// SetAddr sets "our address" (tie-break and master address) once it is
// known: an instance whose interface had no address at start runs in
// FAULT without one until the address appears.
func (m *Machine) SetAddr(a netip.Addr) { m.addr = a }
