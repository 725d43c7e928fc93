package vrrp

import (
	"fmt"
	"net/netip"
	"time"
)

// The protocol engine is a pure function of its event stream: the daemon
// decodes packets, reads clocks and probes trackers, then feeds typed events
// to a Machine and carries out the actions it returns. Keeping sockets and
// clocks out lets the conformance scenarios in testdata/scenarios replay a
// run exactly and lets the simulator run thousands of elections per second.

// State is an instance's protocol state (RFC 5798 §6.4 plus keepalived's
// FAULT and STOP).
type State uint8

const (
	StateInit State = iota
	StateBackup
	StateMaster
	StateFault
	StateStop
)

var stateNames = [...]string{"INIT", "BACKUP", "MASTER", "FAULT", "STOP"}

// String gives the word keepalived uses in notify arguments and FIFO lines.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// TimerID names one of an instance's timers. Each is armed at most once at a
// time; re-arming replaces the previous deadline.
type TimerID uint8

const (
	TimerMasterDown    TimerID = iota // backup: master considered dead
	TimerAdvert                       // master: next periodic advert
	TimerGARPDelay                    // master: second GARP burst (garp_master_delay)
	TimerGARPRefresh                  // master: periodic GARP (garp_master_refresh)
	TimerGARPLowerPrio                // master: second burst after a lower-priority advert
	TimerHandover                     // leaving master: longest wait for a successor
	numTimers
)

var timerNames = [...]string{"master-down", "advert", "garp-delay", "garp-refresh", "garp-lower-prio", "handover"}

func (t TimerID) String() string {
	if int(t) < len(timerNames) {
		return timerNames[t]
	}
	return fmt.Sprintf("Timer(%d)", uint8(t))
}

// EventKind is the closed set of inputs a Machine understands.
type EventKind uint8

const (
	EvStartup     EventKind = iota + 1
	EvAdvert                // a received advert that passed the receive checks
	EvTimer                 // a timer the machine armed has expired
	EvPriority              // the configured base priority was changed
	EvTracker               // a tracker reported a new result
	EvInterface             // the instance's own interface went up or down
	EvShutdown              // orderly stop (SIGTERM)
	EvGroup                 // a command from the instance's sync group
	EvMaintenance           // an operator holds the instance out of mastership (Up: on)
	numEventKinds
)

var eventNames = [...]string{"", "startup", "advert", "timer", "priority", "track", "iface", "shutdown", "group", "maintenance"}

func (k EventKind) String() string {
	if int(k) < len(eventNames) && k != 0 {
		return eventNames[k]
	}
	return fmt.Sprintf("Event(%d)", uint8(k))
}

// GroupCmd is what a sync group tells a member to do.
type GroupCmd uint8

const (
	GroupFaultOn  GroupCmd = iota + 1 // another member is in FAULT
	GroupFaultOff                     // no member is in FAULT any more
	GroupMaster                       // every member wants MASTER: take it
	GroupBackup                       // a member left MASTER: leave it too
)

var groupCmdNames = [...]string{"", "fault-on", "fault-off", "master", "backup"}

func (c GroupCmd) String() string {
	if int(c) < len(groupCmdNames) && c != 0 {
		return groupCmdNames[c]
	}
	return fmt.Sprintf("GroupCmd(%d)", uint8(c))
}

// Event is one input. It is a flat struct rather than an interface so that
// handling an advert boxes nothing: the hot path stays allocation-free.
// Only the fields of its Kind are meaningful.
type Event struct {
	Kind EventKind

	// EvAdvert: the sender's primary address, advertised priority,
	// advertised interval (v3: used as Master_Adver_Interval) and version.
	Src      netip.Addr
	Priority uint8
	Interval time.Duration
	Version  int

	Timer TimerID // EvTimer

	// EvTracker: which tracker, and its new result. Up is the state of an
	// interface, script or process quorum; Value the integer of a track_file.
	Track TrackKind
	Name  string
	Up    bool // also EvInterface
	Value int

	Group GroupCmd // EvGroup

	// EvShutdown: keep the addresses until a successor is heard (see
	// ShutdownHandover).
	Handover bool
}

// Startup starts the instance (after vrrp_startup_delay, which the daemon
// applies).
func Startup() Event { return Event{Kind: EvStartup} }

// AdvertReceived is a decoded advert that passed the receive checks.
func AdvertReceived(src netip.Addr, prio uint8, interval time.Duration, version int) Event {
	return Event{Kind: EvAdvert, Src: src, Priority: prio, Interval: interval, Version: version}
}

// TimerFired reports that timer t, armed by an ArmTimer action, expired.
func TimerFired(t TimerID) Event { return Event{Kind: EvTimer, Timer: t} }

// PriorityChanged sets a new base priority (runtime change of priority).
func PriorityChanged(p uint8) Event { return Event{Kind: EvPriority, Priority: p} }

// TrackerUp reports an up/down tracker (interface, script, process quorum).
func TrackerUp(kind TrackKind, name string, up bool) Event {
	return Event{Kind: EvTracker, Track: kind, Name: name, Up: up}
}

// TrackerValue reports the integer read from a track_file.
func TrackerValue(name string, v int) Event {
	return Event{Kind: EvTracker, Track: TrackKindFile, Name: name, Value: v}
}

// InterfaceState reports the link/admin state of the instance's interface.
func InterfaceState(up bool) Event { return Event{Kind: EvInterface, Up: up} }

// Shutdown stops the instance in order; a master resigns and drops its
// addresses at once (keepalived's behaviour).
func Shutdown() Event { return Event{Kind: EvShutdown} }

// ShutdownHandover stops the instance make-before-break: a master still
// resigns with a priority-0 advert first, but keeps its addresses, and so
// keeps answering clients, until it hears a successor's advert or the hold
// runs out. Dropping them at once leaves clients unanswered for Skew_Time,
// until the backup takes over and sends its GARPs.
func ShutdownHandover() Event { return Event{Kind: EvShutdown, Handover: true} }

// Maintenance puts the instance in maintenance (on) or lifts it. A master
// hands over make-before-break as on ShutdownHandover but stays BACKUP;
// in maintenance the instance never takes mastership, whatever its
// priority or the master-down timer says. Lifting it lets the election
// run again from BACKUP.
func Maintenance(on bool) Event { return Event{Kind: EvMaintenance, Up: on} }

// SyncGroupCommand is sent by Group to its members.
func SyncGroupCommand(c GroupCmd) Event { return Event{Kind: EvGroup, Group: c} }

// ActionKind is the closed set of outputs.
type ActionKind uint8

const (
	ActSendAdvert      ActionKind = iota + 1 // Priority
	ActArmTimer                              // Timer, After, At
	ActStopTimer                             // Timer
	ActAddAddresses                          // VIPs, eVIPs, routes, rules (in that order); Accept
	ActRemoveAddresses                       // rules, routes, eVIPs, VIPs (reverse order)
	ActSendGARP                              // Count per VIP (ARP or unsolicited NA)
	ActNotify                                // State, Priority: notify_<state> + notify + FIFO
	ActNotifyLowerPrio                       // notify_master_rx_lower_pri / MASTER_RX_LOWER_PRI; Src
	ActNotifyPriority                        // MASTER_PRIORITY / BACKUP_PRIORITY FIFO line; State, Priority
	ActHandoverDone                          // a leaving master releases: Src, Priority successor (Src invalid: none); After from resigning to hearing it (or to the hold's end)
)

var actionNames = [...]string{"", "send-advert", "arm", "stop", "add-addresses", "remove-addresses",
	"garp", "notify", "notify-rx-lower-prio", "notify-priority", "handover-done"}

func (k ActionKind) String() string {
	if int(k) < len(actionNames) && k != 0 {
		return actionNames[k]
	}
	return fmt.Sprintf("Action(%d)", uint8(k))
}

// Action is one output for the daemon to carry out, in order.
type Action struct {
	Kind     ActionKind
	Priority uint8
	Timer    TimerID
	After    time.Duration
	// At is an armed timer's deadline: After from the time of the event
	// that armed it. The machine ignores a fire before At, so whoever runs
	// the timer must fire on At itself, not After from when it got there.
	At     time.Time
	Count  int
	State  State
	Accept bool       // ActAddAddresses: install without the no_accept drop rule
	Src    netip.Addr // ActNotifyLowerPrio: who sent the lower-priority advert; ActHandoverDone: the successor
}

// String renders an action in the golden-file syntax.
func (a Action) String() string {
	switch a.Kind {
	case ActSendAdvert:
		return fmt.Sprintf("send-advert prio=%d", a.Priority)
	case ActArmTimer:
		return fmt.Sprintf("arm %s %s", a.Timer, a.After)
	case ActStopTimer:
		return "stop " + a.Timer.String()
	case ActAddAddresses:
		return fmt.Sprintf("add-addresses accept=%t", a.Accept)
	case ActSendGARP:
		return fmt.Sprintf("garp count=%d", a.Count)
	case ActNotify, ActNotifyPriority:
		return fmt.Sprintf("%s %s %d", a.Kind, a.State, a.Priority)
	case ActNotifyLowerPrio:
		return fmt.Sprintf("%s from=%s prio=%d", a.Kind, a.Src, a.Priority)
	case ActHandoverDone:
		if !a.Src.IsValid() {
			return fmt.Sprintf("%s from=none after=%s", a.Kind, a.After)
		}
		return fmt.Sprintf("%s from=%s prio=%d after=%s", a.Kind, a.Src, a.Priority, a.After)
	}
	return a.Kind.String()
}
