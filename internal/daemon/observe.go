package daemon

import (
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
)

// Observer hears what a monitoring side (the SNMP sub-agent's traps)
// needs beyond the snapshot: the running configuration, at start and
// after each applied reload; every VRRP notification, in the order notify
// scripts get them; and every real-server and quorum change of the
// checkers. The calls come from the event loop and the LVS goroutine:
// they must not block.
type Observer interface {
	Configured(*confparse.Config)
	Notified(notify.Event)
	LVSAction(ipvs.Action)
}

// observed tees the notify queue's events to an Observer.
type observed struct {
	notifier
	o Observer
}

func (n observed) Post(e notify.Event) {
	n.o.Notified(e)
	n.notifier.Post(e)
}

func (n observed) RunScript(s script.Spec) { n.notifier.RunScript(s) }

// withObserver wraps n when opts ask for an observer.
func withObserver(n notifier, o Observer) notifier {
	if o == nil {
		return n
	}
	return observed{n, o}
}
