package daemon

import (
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
)

type recObserver struct{ events []notify.Event }

func (o *recObserver) Configured(*confparse.Config) {}
func (o *recObserver) Notified(e notify.Event)      { o.events = append(o.events, e) }
func (o *recObserver) LVSAction(ipvs.Action)        {}

// The observer hears every notification the queue gets, and only those:
// scripts run for the checkers are not notifications.
func TestObserverTeesNotifications(t *testing.T) {
	log := &callLog{now: time.Now, start: time.Now()}
	o := &recObserver{}
	n := withObserver(fakeNotifier{log}, o)
	n.Post(notify.Event{Kind: "INSTANCE", Name: "VI_1", State: "MASTER", Priority: 100})
	n.RunScript(script.Spec{Raw: "/bin/true"})
	n.Post(notify.Event{Kind: "GROUP", Name: "G", State: "BACKUP"})
	if len(o.events) != 2 || o.events[0].State != "MASTER" || o.events[1].Kind != "GROUP" {
		t.Errorf("observer heard %+v", o.events)
	}
	if len(log.lines) != 3 {
		t.Errorf("the queue got %d calls, want 3: %v", len(log.lines), log.lines)
	}
	if withObserver(fakeNotifier{log}, nil) != (fakeNotifier{log}) {
		t.Error("no observer must leave the notifier as it is")
	}
}
