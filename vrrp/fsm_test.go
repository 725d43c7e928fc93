package vrrp

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// tableMachine is a prio-100 instance at 192.0.2.20 with a weighted and a
// weight-0 script and every GARP timer enabled, driven into state s.
func tableMachine(t *testing.T, s State) (*Machine, time.Time) {
	t.Helper()
	in := testInstance("VI_1", 100)
	in.GARP.MasterRefresh = 30 * time.Second
	in.TrackScripts = []TrackRef{{Name: "w"}, {Name: "z"}}
	defs := DefsFrom([]ScriptTracker{{Name: "w", Weight: -10}, {Name: "z", Weight: 0}}, nil, nil)
	tr, err := NewTracking(&in, nil, defs)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMachine(&in, MachineOptions{Addr: netip.MustParseAddr("192.0.2.20"), Tracking: tr})
	if err != nil {
		t.Fatal(err)
	}
	now := t0
	m.Handle(now, TrackerUp(TrackKindScript, "z", true))
	if s == StateInit {
		return m, now
	}
	m.Handle(now, Startup())
	switch s {
	case StateMaster:
		now = now.Add(m.masterDown())
		m.Handle(now, TimerFired(TimerMasterDown))
		now = now.Add(100 * time.Millisecond)
		m.Handle(now, AdvertReceived(netip.MustParseAddr("192.0.2.2"), 50, time.Second, 2)) // arms garp-lower-prio
	case StateFault:
		m.Handle(now, InterfaceState(false))
	case StateStop:
		m.Handle(now, Shutdown())
	}
	if m.State() != s {
		t.Fatalf("setup reached %s, want %s", m.State(), s)
	}
	return m, now.Add(100 * time.Millisecond)
}

type tableEvent struct {
	name string
	ev   Event
}

func tableEvents() []tableEvent {
	a := func(src string, p uint8) Event {
		return AdvertReceived(netip.MustParseAddr(src), p, time.Second, 2)
	}
	evs := []tableEvent{
		{"startup", Startup()},
		{"advert-higher", a("192.0.2.2", 150)},
		{"advert-equal-higher-addr", a("192.0.2.30", 100)},
		{"advert-equal-lower-addr", a("192.0.2.10", 100)},
		{"advert-lower", a("192.0.2.2", 50)},
		{"advert-zero", a("192.0.2.2", 0)},
		{"priority", PriorityChanged(120)},
		{"track-weighted-down", TrackerUp(TrackKindScript, "w", false)},
		{"track-weight0-down", TrackerUp(TrackKindScript, "z", false)},
		{"track-unknown", TrackerUp(TrackKindScript, "nope", false)},
		{"iface-down", InterfaceState(false)},
		{"iface-up", InterfaceState(true)},
		{"shutdown", Shutdown()},
		{"shutdown-handover", ShutdownHandover()},
	}
	for tm := range numTimers {
		evs = append(evs, tableEvent{"timer-" + tm.String(), TimerFired(tm)})
	}
	for c := GroupFaultOn; c <= GroupBackup; c++ {
		evs = append(evs, tableEvent{"group-" + c.String(), SyncGroupCommand(c)})
	}
	return evs
}

func kinds(acts []Action) string {
	var w []string
	for _, a := range acts {
		s := a.Kind.String()
		switch a.Kind {
		case ActArmTimer, ActStopTimer:
			s += ":" + a.Timer.String()
		case ActNotify, ActNotifyPriority:
			s += ":" + a.State.String()
		case ActSendAdvert:
			if a.Priority == 0 {
				s += ":0"
			}
		}
		w = append(w, s)
	}
	return strings.Join(w, " ")
}

// stateEventTable is every state × every event kind: the next state and the
// action kinds, in order.
var stateEventTable = map[State]map[string]string{
	StateInit: {
		"startup":                  "BACKUP/100 | remove-addresses arm:master-down notify:BACKUP",
		"advert-higher":            "INIT/100 | ",
		"advert-equal-higher-addr": "INIT/100 | ",
		"advert-equal-lower-addr":  "INIT/100 | ",
		"advert-lower":             "INIT/100 | ",
		"advert-zero":              "INIT/100 | ",
		"priority":                 "INIT/120 | ",
		"track-weighted-down":      "INIT/90 | ",
		"track-weight0-down":       "INIT/100 | ",
		"track-unknown":            "INIT/100 | ",
		"iface-down":               "INIT/100 | ",
		"iface-up":                 "INIT/100 | ",
		"shutdown":                 "INIT/100 | ",
		"shutdown-handover":        "INIT/100 | ",
		"timer-master-down":        "INIT/100 | ",
		"timer-advert":             "INIT/100 | ",
		"timer-garp-delay":         "INIT/100 | ",
		"timer-garp-refresh":       "INIT/100 | ",
		"timer-garp-lower-prio":    "INIT/100 | ",
		"timer-handover":           "INIT/100 | ",
		"group-fault-on":           "INIT/100 | ",
		"group-fault-off":          "INIT/100 | ",
		"group-master":             "INIT/100 | ",
		"group-backup":             "INIT/100 | ",
	},
	StateBackup: {
		"startup":                  "BACKUP/100 | ",
		"advert-higher":            "BACKUP/100 | arm:master-down",
		"advert-equal-higher-addr": "BACKUP/100 | arm:master-down",
		"advert-equal-lower-addr":  "BACKUP/100 | arm:master-down",
		"advert-lower":             "BACKUP/100 | ",
		"advert-zero":              "BACKUP/100 | arm:master-down",
		"priority":                 "BACKUP/120 | ",
		"track-weighted-down":      "BACKUP/90 | ",
		"track-weight0-down":       "FAULT/100 | stop:master-down notify:FAULT",
		"track-unknown":            "BACKUP/100 | ",
		"iface-down":               "FAULT/100 | stop:master-down notify:FAULT",
		"iface-up":                 "BACKUP/100 | ",
		"shutdown":                 "STOP/100 | stop:master-down notify:STOP",
		"shutdown-handover":        "STOP/100 | stop:master-down notify:STOP",
		"timer-master-down":        "MASTER/100 | add-addresses garp send-advert arm:advert arm:garp-delay arm:garp-refresh notify:MASTER",
		"timer-advert":             "BACKUP/100 | ",
		"timer-garp-delay":         "BACKUP/100 | ",
		"timer-garp-refresh":       "BACKUP/100 | ",
		"timer-garp-lower-prio":    "BACKUP/100 | ",
		"timer-handover":           "BACKUP/100 | ",
		"group-fault-on":           "FAULT/100 | stop:master-down notify:FAULT",
		"group-fault-off":          "BACKUP/100 | ",
		"group-master":             "MASTER/100 | stop:master-down add-addresses garp send-advert arm:advert arm:garp-delay arm:garp-refresh notify:MASTER",
		"group-backup":             "BACKUP/100 | ",
	},
	StateMaster: {
		"startup":                  "MASTER/100 | ",
		"advert-higher":            "BACKUP/100 | stop:advert stop:garp-delay stop:garp-refresh stop:garp-lower-prio remove-addresses arm:master-down notify:BACKUP",
		"advert-equal-higher-addr": "BACKUP/100 | stop:advert stop:garp-delay stop:garp-refresh stop:garp-lower-prio remove-addresses arm:master-down notify:BACKUP",
		// tableMachine's master answered 192.0.2.2 100 ms ago: within the
		// advert interval a new source gets its notify only, the same one
		// nothing (fsm_lowerprio.go; the answer itself is in the scenarios).
		"advert-equal-lower-addr": "MASTER/100 | notify-rx-lower-prio",
		"advert-lower":            "MASTER/100 | ",
		"advert-zero":             "MASTER/100 | send-advert arm:advert",
		"priority":                "MASTER/120 | ",
		"track-weighted-down":     "MASTER/90 | ",
		"track-weight0-down":      "FAULT/100 | stop:advert stop:garp-delay stop:garp-refresh stop:garp-lower-prio send-advert:0 remove-addresses notify:FAULT",
		"track-unknown":           "MASTER/100 | ",
		"iface-down":              "FAULT/100 | stop:advert stop:garp-delay stop:garp-refresh stop:garp-lower-prio send-advert:0 remove-addresses notify:FAULT",
		"iface-up":                "MASTER/100 | ",
		"shutdown":                "STOP/100 | stop:advert stop:garp-delay stop:garp-refresh stop:garp-lower-prio send-advert:0 remove-addresses notify:STOP",
		"shutdown-handover":       "STOP/100 | stop:advert stop:garp-delay stop:garp-refresh stop:garp-lower-prio send-advert:0 arm:handover",
		"timer-master-down":       "MASTER/100 | ",
		"timer-advert":            "MASTER/100 | send-advert arm:advert",
		"timer-garp-delay":        "MASTER/100 | garp",
		"timer-garp-refresh":      "MASTER/100 | garp arm:garp-refresh",
		"timer-garp-lower-prio":   "MASTER/100 | garp",
		"timer-handover":          "MASTER/100 | ",
		"group-fault-on":          "FAULT/100 | stop:advert stop:garp-delay stop:garp-refresh stop:garp-lower-prio send-advert:0 remove-addresses notify:FAULT",
		"group-fault-off":         "MASTER/100 | ",
		"group-master":            "MASTER/100 | ",
		"group-backup":            "BACKUP/100 | stop:advert stop:garp-delay stop:garp-refresh stop:garp-lower-prio remove-addresses arm:master-down notify:BACKUP",
	},
	StateFault: {
		"startup":                  "FAULT/100 | ",
		"advert-higher":            "FAULT/100 | ",
		"advert-equal-higher-addr": "FAULT/100 | ",
		"advert-equal-lower-addr":  "FAULT/100 | ",
		"advert-lower":             "FAULT/100 | ",
		"advert-zero":              "FAULT/100 | ",
		"priority":                 "FAULT/120 | ",
		"track-weighted-down":      "FAULT/90 | ",
		"track-weight0-down":       "FAULT/100 | ",
		"track-unknown":            "FAULT/100 | ",
		"iface-down":               "FAULT/100 | ",
		"iface-up":                 "BACKUP/100 | arm:master-down notify:BACKUP",
		"shutdown":                 "STOP/100 | notify:STOP",
		"shutdown-handover":        "STOP/100 | notify:STOP",
		"timer-master-down":        "FAULT/100 | ",
		"timer-advert":             "FAULT/100 | ",
		"timer-garp-delay":         "FAULT/100 | ",
		"timer-garp-refresh":       "FAULT/100 | ",
		"timer-garp-lower-prio":    "FAULT/100 | ",
		"timer-handover":           "FAULT/100 | ",
		"group-fault-on":           "FAULT/100 | ",
		"group-fault-off":          "FAULT/100 | ",
		"group-master":             "FAULT/100 | ",
		"group-backup":             "FAULT/100 | ",
	},
	StateStop: {
		"startup":                  "BACKUP/100 | remove-addresses arm:master-down notify:BACKUP",
		"advert-higher":            "STOP/100 | ",
		"advert-equal-higher-addr": "STOP/100 | ",
		"advert-equal-lower-addr":  "STOP/100 | ",
		"advert-lower":             "STOP/100 | ",
		"advert-zero":              "STOP/100 | ",
		"priority":                 "STOP/120 | ",
		"track-weighted-down":      "STOP/90 | ",
		"track-weight0-down":       "STOP/100 | ",
		"track-unknown":            "STOP/100 | ",
		"iface-down":               "STOP/100 | ",
		"iface-up":                 "STOP/100 | ",
		"shutdown":                 "STOP/100 | ",
		"shutdown-handover":        "STOP/100 | ",
		"timer-master-down":        "STOP/100 | ",
		"timer-advert":             "STOP/100 | ",
		"timer-garp-delay":         "STOP/100 | ",
		"timer-garp-refresh":       "STOP/100 | ",
		"timer-garp-lower-prio":    "STOP/100 | ",
		"timer-handover":           "STOP/100 | ",
		"group-fault-on":           "STOP/100 | ",
		"group-fault-off":          "STOP/100 | ",
		"group-master":             "STOP/100 | ",
		"group-backup":             "STOP/100 | ",
	},
}

func TestStateEventTable(t *testing.T) {
	var missing []string
	for _, s := range []State{StateInit, StateBackup, StateMaster, StateFault, StateStop} {
		for _, e := range tableEvents() {
			m, now := tableMachine(t, s)
			if e.ev.Kind == EvTimer {
				if m.armed[e.ev.Timer] {
					now = m.deadlineOf(e.ev.Timer)
				}
			}
			got := m.Handle(now, e.ev)
			line := fmt.Sprintf("%s/%d | %s", m.State(), m.Priority(), kinds(got))
			want, ok := stateEventTable[s][e.name]
			if !ok {
				missing = append(missing, "\t\t"+`"`+e.name+`": "`+line+`",`)
				continue
			}
			if line != want {
				t.Errorf("%s × %s:\n got  %s\n want %s", s, e.name, line, want)
			}
		}
		if len(missing) > 0 {
			t.Errorf("no expectation for %s:\n%s", s, strings.Join(missing, "\n"))
			missing = nil
		}
	}
}

// A machine built in the caller's storage is that storage, and behaves as
// one NewMachine made: it takes over after the master-down interval.
func TestNewMachineInStorage(t *testing.T) {
	in := testInstance("VI_1", 100)
	var store [2]Machine
	m, err := NewMachine(&in, MachineOptions{Storage: &store[1]})
	if err != nil {
		t.Fatal(err)
	}
	if m != &store[1] {
		t.Fatalf("machine built at %p, want the storage given (%p)", m, &store[1])
	}
	m.Handle(t0, Startup())
	m.Handle(t0.Add(m.masterDown()), TimerFired(TimerMasterDown))
	if m.State() != StateMaster || store[0].State() != StateInit {
		t.Errorf("built in storage: %s after the master-down interval (neighbour %s), want MASTER (INIT)", m.State(), store[0].State())
	}
}

// A machine reads its settings through the instance it was built from
// and, after SetInstance, through the new one: a reload that keeps the
// state hands over the new configuration so the old one can go. The owner
// rules stay those of the priority the machine was built with.
func TestSetInstance(t *testing.T) {
	in := testInstance("VI_1", 100)
	m, err := NewMachine(&in, MachineOptions{Addr: netip.MustParseAddr("192.0.2.20")})
	if err != nil {
		t.Fatal(err)
	}
	m.Handle(t0, Startup())
	next := in
	next.GARP.MasterRepeat = 2
	bad := next
	bad.DownTimerAdverts = 0
	if err := m.SetInstance(&bad); err == nil {
		t.Fatal("SetInstance took down_timer_adverts 0")
	}
	if err := m.SetInstance(&next); err != nil {
		t.Fatal(err)
	}
	in.GARP.MasterRepeat = 9 // the old configuration is no longer read
	acts := m.Handle(t0.Add(m.masterDown()), TimerFired(TimerMasterDown))
	var burst int
	for _, a := range acts {
		if a.Kind == ActSendGARP {
			burst = a.Count
		}
	}
	if m.State() != StateMaster || burst != 2 {
		t.Errorf("after SetInstance: %s with a GARP burst of %d, want MASTER and the new setting's 2", m.State(), burst)
	}

	owner := testInstance("VI_2", OwnerPriority)
	owner.Nopreempt, owner.Accept = true, false
	om, err := NewMachine(&owner, MachineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lower := owner
	lower.Priority = 100
	if err := om.SetInstance(&lower); err != nil {
		t.Fatal(err)
	}
	if om.nopreempt() || !om.accept() || om.preemptDelay() != 0 {
		t.Errorf("built as the owner: nopreempt %v, accept %v, preempt_delay %v; want the owner rules (false, true, 0)",
			om.nopreempt(), om.accept(), om.preemptDelay())
	}
}
