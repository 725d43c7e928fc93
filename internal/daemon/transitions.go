package daemon

import (
	"slices"
	"strings"

	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/vrrp"
)

// transKey is one row of an instance's transition counts.
type transKey struct{ from, to, reason string }

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

// countTransition records in's move to s, caused by the event being fed.
func (d *Daemon) countTransition(in *instance, s vrrp.State) {
	if in.stats.trans == nil {
		in.stats.trans = map[transKey]uint64{}
	}
	in.stats.trans[transKey{in.lastState.String(), s.String(), d.cause}]++
}

// transitions lists the counts in a stable order for the snapshot.
func transitions(m map[transKey]uint64) []status.TransitionCount {
	out := make([]status.TransitionCount, 0, len(m))
	for k, n := range m {
		out = append(out, status.TransitionCount{From: k.from, To: k.to, Reason: k.reason, Count: n})
	}
	slices.SortFunc(out, func(a, b status.TransitionCount) int {
		return strings.Compare(a.From+"\x00"+a.To+"\x00"+a.Reason, b.From+"\x00"+b.To+"\x00"+b.Reason)
	})
	return out
}
