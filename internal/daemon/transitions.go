package daemon

import (
	"slices"
	"strings"

	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/vrrp"
)

// transCount is one row of an instance's transition counts. An instance
// sees a handful of distinct rows in its life, so a slice searched in
// order costs a fraction of a map (~500 bytes an instance at thousands).
type transCount struct {
	from, to vrrp.State
	reason   string // causeOf's words
	n        uint64
}

// causeOf names the event that drives a state change, in a small fixed
// set of words: the transitions metric is labelled by it, so it must not
// carry addresses or names.
func causeOf(ev vrrp.Event) string {
	switch ev.Kind {
	case vrrp.EvStartup:
		return "startup"
	case vrrp.EvAdvert:
		if ev.Priority == 0 {
			return "priority 0 advert"
		}
		return "advert"
	case vrrp.EvTimer:
		switch ev.Timer {
		case vrrp.TimerMasterDown:
			return "master down timer"
		case vrrp.TimerHandover:
			return "handover"
		}
		return "timer"
	case vrrp.EvPriority:
		return "priority changed"
	case vrrp.EvTracker:
		return "tracker"
	case vrrp.EvInterface:
		if ev.Up {
			return "interface up"
		}
		return "interface down"
	case vrrp.EvShutdown:
		return "shutdown"
	case vrrp.EvGroup:
		return "sync group"
	case vrrp.EvMaintenance:
		return "maintenance"
	}
	return "other"
}

// reasonHint says more than causeOf can about a transition the daemon is
// about to cause (an interface that went down, a VIP it could not add,
// maintenance): the next transition to the state to takes its words.
type reasonHint struct {
	to   vrrp.State
	text string
}

// noteReason sets in's last reason for its transition to s, and forgets
// any hint.
func (d *Daemon) noteReason(in *instance, s vrrp.State) {
	in.lastReason = d.cause
	if in.why.text != "" && in.why.to == s {
		in.lastReason = in.why.text
	}
	in.why = reasonHint{}
}

// countTransition records in's move to s, caused by the event being fed.
func (d *Daemon) countTransition(in *instance, s vrrp.State) {
	for i := range in.stats.trans {
		if t := &in.stats.trans[i]; t.from == in.lastState && t.to == s && t.reason == d.cause {
			t.n++
			return
		}
	}
	in.stats.trans = append(in.stats.trans, transCount{from: in.lastState, to: s, reason: d.cause, n: 1})
}

// transitions lists the counts in a stable order for the snapshot.
func transitions(ts []transCount) []status.TransitionCount {
	out := appendTransitions(make([]status.TransitionCount, 0, len(ts)), ts)
	slices.SortFunc(out, func(a, b status.TransitionCount) int {
		return strings.Compare(a.From+"\x00"+a.To+"\x00"+a.Reason, b.From+"\x00"+b.To+"\x00"+b.Reason)
	})
	return out
}

// appendTransitions appends the counts to dst in the order they were
// first counted.
func appendTransitions(dst []status.TransitionCount, ts []transCount) []status.TransitionCount {
	for _, t := range ts {
		dst = append(dst, status.TransitionCount{From: t.from.String(), To: t.to.String(), Reason: t.reason, Count: t.n})
	}
	return dst
}
