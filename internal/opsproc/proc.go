package opsproc

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/internal/ctlapi"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/opswire"
)

// Options configure the helper's supervision.
type Options struct {
	// Helper is govrrpd-ops's path; "" when it was not found (HelperErr
	// says where it was looked for): the listeners then answer nothing.
	Helper    string
	HelperErr error
	// Socket is the control socket, nil without one; TCP the
	// --http-listen listeners.
	Socket net.Listener
	TCP    []net.Listener
	// Setup is what the helper serves with; Listeners is filled in here.
	Setup opswire.Setup
	// Backend answers the API; Metrics renders /metrics (nil: 404).
	Backend ctlapi.Backend
	Metrics *metrics.Metrics
	// Release is the daemon's version; a helper of another one is refused.
	Release string
	// Timeout bounds one backend call (default 10 s), as in-process.
	Timeout time.Duration
	// Backoff is the first pause after a helper failed (default 1 s),
	// doubling up to a minute while it keeps failing.
	Backoff time.Duration
	Log     *slog.Logger
}

// Proc supervises the helper of one daemon.
type Proc struct {
	o   Options
	log *slog.Logger
	lns []net.Listener
	wg  sync.WaitGroup

	mu      sync.Mutex
	starts  int // helpers started, for tests and logs
	running int // the helper's PID while one runs
}

// errIncompatible is a helper that cannot serve this daemon (another
// release): starting it again would not help.
var errIncompatible = errors.New("incompatible helper")

// Start supervises the helper until ctx ends; Wait waits for it to stop.
func Start(ctx context.Context, o Options) *Proc {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Backoff == 0 {
		o.Backoff = time.Second
	}
	p := &Proc{o: o, log: o.Log}
	o.Setup.Listeners = nil
	if o.Socket != nil {
		p.lns = append(p.lns, o.Socket)
		p.o.Setup.Listeners = append(p.o.Setup.Listeners, "socket")
	}
	for _, ln := range o.TCP {
		p.lns = append(p.lns, ln)
		p.o.Setup.Listeners = append(p.o.Setup.Listeners, "tcp")
	}
	if len(p.lns) == 0 {
		return p
	}
	if o.Helper == "" {
		p.log.Warn("operations helper missing: the control socket and --http-listen accept connections but answer nothing "+
			"(status, ctl, /metrics and the console need govrrpd-ops; --ops-helper names it)", "err", o.HelperErr)
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.run(ctx)
	}()
	return p
}

// Wait waits for the helper to stop after Start's ctx ended.
func (p *Proc) Wait() { p.wg.Wait() }

// Starts is how many helpers were started.
func (p *Proc) Starts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.starts
}

// PID is the running helper's process ID, 0 when none runs.
func (p *Proc) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.running
}

// run starts a helper each time a connection is pending and none runs.
func (p *Proc) run(ctx context.Context) {
	backoff := p.o.Backoff
	for {
		if err := waitPending(ctx, p.lns); err != nil {
			if ctx.Err() == nil {
				p.log.Error("operations listeners: no longer served", "err", err)
			}
			return
		}
		err := p.serveOnce(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, errIncompatible):
			p.log.Error("operations helper refused: the control socket and --http-listen answer nothing", "err", err)
			return
		case err != nil:
			p.log.Error("operations helper failed; started again on the next connection", "err", err, "after", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Minute)
		default:
			backoff = p.o.Backoff
		}
	}
}

// exitText describes how a helper ended.
func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
