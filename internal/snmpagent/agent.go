package snmpagent

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/agentx"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/ipvs"
)

// Source takes a snapshot of the daemon.
type Source func(ctx context.Context) (status.Daemon, error)

// viewTTL is how long one snapshot answers requests: a walk of a large
// daemon is thousands of GetNext, and each snapshot is a round trip to
// the event loop. Any state change the agent hears of drops it at once.
const viewTTL = time.Second

// Backoff bounds between connection attempts.
const (
	minBackoff = time.Second
	maxBackoff = 30 * time.Second
)

// Agent is the sub-agent. It implements daemon.Observer.
type Agent struct {
	src   Source
	log   *slog.Logger
	flags Flags

	mu       sync.Mutex
	settings Settings
	have     bool // a configuration has been seen
	sess     *session
	view     *snmpmib.View
	viewAt   time.Time

	changed chan struct{} // settings changed
	// events are the traps to send, in order. The queue holds pointers:
	// every daemon makes it, SNMP or not, and 1,024 events by value were
	// 230 KiB (issue #12).
	events  chan *event
	dropped int
}

// event is a notification to turn into traps: a VRRP one, or a
// checker's real-server action.
type event struct {
	n   notify.Event
	lvs *ipvs.Action
	at  time.Time
}

// New returns an agent that does nothing until Run and a configuration
// that enables SNMP.
func New(src Source, f Flags, log *slog.Logger) *Agent {
	if log == nil {
		log = slog.Default()
	}
	return &Agent{src: src, flags: f, log: log, changed: make(chan struct{}, 1), events: make(chan *event, 1024)}
}

// Configured takes the running configuration (start and each reload).
func (a *Agent) Configured(cfg *confparse.Config) {
	s := SettingsFrom(cfg, a.flags)
	a.mu.Lock()
	a.settings, a.have, a.view = s, true, nil
	a.mu.Unlock()
	select {
	case a.changed <- struct{}{}:
	default:
	}
}

// Notified queues traps for a VRRP notification.
func (a *Agent) Notified(e notify.Event) { a.queue(event{n: e}) }

// LVSAction queues traps for a real-server change.
func (a *Agent) LVSAction(act ipvs.Action) { a.queue(event{lvs: &act}) }

// queue never blocks the caller (the event loop): a full queue drops
// the trap, counted and logged by the sender.
func (a *Agent) queue(e event) {
	e.at = time.Now()
	a.mu.Lock()
	a.view = nil
	on := a.have && a.settings.Traps && a.settings.MIBs != 0
	a.mu.Unlock()
	if !on {
		return
	}
	select {
	case a.events <- &e:
	default:
		a.mu.Lock()
		a.dropped++
		a.mu.Unlock()
	}
}

func (a *Agent) current() (Settings, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.settings, a.have
}

// Run keeps a session with the master agent while the configuration
// enables SNMP, until ctx ends.
func (a *Agent) Run(ctx context.Context) {
	go a.sendTraps(ctx)
	backoff := minBackoff
	for ctx.Err() == nil {
		s, ok := a.current()
		if !ok || s.MIBs == 0 {
			select {
			case <-ctx.Done():
			case <-a.changed:
			}
			continue
		}
		sess, err := dial(ctx, s)
		if err != nil {
			a.log.Warn("snmp: cannot reach the master agent; retrying", "err", err, "in", backoff)
			select {
			case <-ctx.Done():
			case <-a.changed:
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = minBackoff
		a.log.Info("snmp: AgentX session open", "socket", s.Socket, "trees", len(s.MIBs.Subtrees()), "traps", s.Traps)
		a.serve(ctx, sess, s)
	}
}

// serve runs one session until it fails, ctx ends, or the settings
// change in what the session depends on.
func (a *Agent) serve(ctx context.Context, sess *session, s Settings) {
	a.mu.Lock()
	a.sess = sess
	a.mu.Unlock()
	done := make(chan error, 1)
	go func() { done <- sess.serve(a.snapshotView, a.refused) }()
	for {
		select {
		case err := <-done:
			a.drop(sess)
			if ctx.Err() == nil {
				a.log.Warn("snmp: AgentX session lost; reconnecting", "err", err)
			}
			return
		case <-ctx.Done():
			a.drop(sess)
			sess.close(agentx.ReasonShutdown)
			<-done
			return
		case <-a.changed:
			n, _ := a.current()
			if n.Socket == s.Socket && n.MIBs == s.MIBs {
				continue
			}
			a.log.Info("snmp: configuration changed; registering again")
			a.drop(sess)
			sess.close(agentx.ReasonOther)
			<-done
			return
		}
	}
}

func (a *Agent) drop(s *session) {
	a.mu.Lock()
	if a.sess == s {
		a.sess = nil
	}
	a.mu.Unlock()
}

func (a *Agent) refused(p *agentx.PDU) {
	a.log.Warn("snmp: the master agent refused a PDU", "packet", p.PacketID, "error", p.Error.String())
}

// snapshotView is the view requests are answered from: at most viewTTL
// old, and never older than the last change the agent heard of.
func (a *Agent) snapshotView() (*snmpmib.View, error) {
	a.mu.Lock()
	if a.view != nil && time.Since(a.viewAt) < viewTTL {
		v := a.view
		a.mu.Unlock()
		return v, nil
	}
	s := a.settings
	a.mu.Unlock()
	d, err := a.snapshot()
	if err != nil {
		a.log.Warn("snmp: no snapshot", "err", err)
		return nil, err
	}
	v := snmpmib.Build(d, s.Host, s.MIBs)
	a.mu.Lock()
	if a.settings.MIBs == s.MIBs {
		a.view, a.viewAt = v, time.Now()
	}
	a.mu.Unlock()
	return v, nil
}

func (a *Agent) snapshot() (status.Daemon, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return a.src(ctx)
}
