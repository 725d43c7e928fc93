package vrrp

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=State,TimerID,EventKind,GroupCmd,ActionKind -output=fsm_string.go

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
// FAULT and STOP). Its String is the word keepalived uses in notify
// arguments and FIFO lines.
type State uint8

const (
	StateInit   State = iota // INIT
	StateBackup              // BACKUP
	StateMaster              // MASTER
	StateFault               // FAULT
	StateStop                // STOP
)

// TimerID names one of an instance's timers. Each is armed at most once at a
// time; re-arming replaces the previous deadline.
type TimerID uint8

const (
	// backup: master considered dead
	TimerMasterDown TimerID = iota // master-down
	// master: next periodic advert
	TimerAdvert // advert
	// master: second GARP burst (garp_master_delay)
	TimerGARPDelay // garp-delay
	// master: periodic GARP (garp_master_refresh)
	TimerGARPRefresh // garp-refresh
	// master: second burst after a lower-priority advert
	TimerGARPLowerPrio // garp-lower-prio
	// leaving master: longest wait for a successor
	TimerHandover // handover
	numTimers
)

// EventKind is the closed set of inputs a Machine understands.
type EventKind uint8

const (
	EvStartup EventKind = iota + 1 // startup
	// a received advert that passed the receive checks
	EvAdvert // advert
	// a timer the machine armed has expired
	EvTimer // timer
	// the configured base priority was changed
	EvPriority // priority
	// a tracker reported a new result
	EvTracker // track
	// the instance's own interface went up or down
	EvInterface // iface
	// orderly stop (SIGTERM)
	EvShutdown // shutdown
	// a command from the instance's sync group
	EvGroup // group
	// an operator holds the instance out of mastership (Up: on)
	EvMaintenance // maintenance
	numEventKinds
)

// GroupCmd is what a sync group tells a member to do.
type GroupCmd uint8

const (
	// another member is in FAULT
	GroupFaultOn GroupCmd = iota + 1 // fault-on
	// no member is in FAULT any more
	GroupFaultOff // fault-off
	// every member wants MASTER: take it
	GroupMaster // master
	// a member left MASTER: leave it too
	GroupBackup // backup
)

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
	// Priority
	ActSendAdvert ActionKind = iota + 1 // send-advert
	// Timer, After, At
	ActArmTimer // arm
	// Timer
	ActStopTimer // stop
	// VIPs, eVIPs, routes, rules (in that order); Accept
	ActAddAddresses // add-addresses
	// rules, routes, eVIPs, VIPs (reverse order)
	ActRemoveAddresses // remove-addresses
	// Count per VIP (ARP or unsolicited NA)
	ActSendGARP // garp
	// State, Priority: notify_<state> + notify + FIFO
	ActNotify // notify
	// notify_master_rx_lower_pri / MASTER_RX_LOWER_PRI; Src
	ActNotifyLowerPrio // notify-rx-lower-prio
	// MASTER_PRIORITY / BACKUP_PRIORITY FIFO line; State, Priority
	ActNotifyPriority // notify-priority
	// a leaving master releases: Src, Priority successor (Src invalid: none); After from resigning to hearing it (or to the hold's end)
	ActHandoverDone // handover-done
)

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
