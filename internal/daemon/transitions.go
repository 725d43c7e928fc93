package daemon

import (
	"slices"
	"strings"

	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/vrrp"
)

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=reason -output=reason_string.go

// reason says why an instance's state changed: the event that drove it
// (causeOf's words, which the transitions metric is labelled by, so they
// carry no addresses or names), or the daemon's own words for a change it
// caused (reasonHint). A byte per instance where the words were a string
// and a hint of 24 bytes besides (issue #12: thousands of instances).
type reason uint8

const (
	reasonNone        reason = iota //
	reasonStartup                   // startup
	reasonAdvert                    // advert
	reasonPrioZero                  // priority 0 advert
	reasonMasterDown                // master down timer
	reasonHandover                  // handover
	reasonTimer                     // timer
	reasonPriority                  // priority changed
	reasonTracker                   // tracker
	reasonIfUp                      // interface up
	reasonIfDown                    // interface down
	reasonShutdown                  // shutdown
	reasonGroup                     // sync group
	reasonMaintenance               // maintenance
	reasonOther                     // other
	// The daemon's own words, never a cause.
	reasonNoVIP    // cannot add VIP
	reasonLinkDown // interface link down
)

// transCount is one row of an instance's transition counts. An instance
// sees a handful of distinct rows in its life, so a slice searched in
// order costs a fraction of a map (~500 bytes an instance at thousands).
type transCount struct {
	from, to vrrp.State
	cause    reason
	n        uint64
}

// causeOf names the event that drives a state change.
func causeOf(ev vrrp.Event) reason {
	switch ev.Kind {
	case vrrp.EvStartup:
		return reasonStartup
	case vrrp.EvAdvert:
		if ev.Priority == 0 {
			return reasonPrioZero
		}
		return reasonAdvert
	case vrrp.EvTimer:
		switch ev.Timer {
		case vrrp.TimerMasterDown:
			return reasonMasterDown
		case vrrp.TimerHandover:
			return reasonHandover
		}
		return reasonTimer
	case vrrp.EvPriority:
		return reasonPriority
	case vrrp.EvTracker:
		return reasonTracker
	case vrrp.EvInterface:
		if ev.Up {
			return reasonIfUp
		}
		return reasonIfDown
	case vrrp.EvShutdown:
		return reasonShutdown
	case vrrp.EvGroup:
		return reasonGroup
	case vrrp.EvMaintenance:
		return reasonMaintenance
	}
	return reasonOther
}

// reasonHint says more than causeOf can about a transition the daemon is
// about to cause (an interface that went down, a VIP it could not add,
// maintenance): the next transition to the state to takes its words.
type reasonHint struct {
	to   vrrp.State
	word reason // reasonNone: no hint
}

// noteReason sets in's last reason for its transition to s, and forgets
// any hint.
func (d *Daemon) noteReason(in *instance, s vrrp.State) {
	in.lastReason = d.cause
	if in.why.word != reasonNone && in.why.to == s {
		in.lastReason = in.why.word
	}
	in.why = reasonHint{}
}

// lastReasonText is the API's last_reason: the words of in.lastReason,
// with the instance's interface named where its link went down.
func (in *instance) lastReasonText() string {
	if in.lastReason == reasonLinkDown {
		return "interface " + in.cfg.Interface + " down"
	}
	return in.lastReason.String()
}

// countTransition records in's move to s, caused by the event being fed.
func (d *Daemon) countTransition(in *instance, s vrrp.State) {
	for i := range in.stats.trans {
		if t := &in.stats.trans[i]; t.from == in.lastState && t.to == s && t.cause == d.cause {
			t.n++
			return
		}
	}
	// Grown by one row, not doubled: a row is rare (a transition never
	// made before), and thousands of instances hold two or three.
	rows := make([]transCount, len(in.stats.trans)+1)
	copy(rows, in.stats.trans)
	rows[len(rows)-1] = transCount{from: in.lastState, to: s, cause: d.cause, n: 1}
	in.stats.trans = rows
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
		dst = append(dst, status.TransitionCount{From: t.from.String(), To: t.to.String(), Reason: t.cause.String(), Count: t.n})
	}
	return dst
}
