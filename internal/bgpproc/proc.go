package bgpproc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/internal/bgpwire"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/status"
)

// Options configure a Proc.
type Options struct {
	Log *slog.Logger
	// Helper is the govrrpd-bgp to run (FindHelper).
	Helper string
	// Metrics, if set, gets the govrrpd_bgp_* collector at Start.
	Metrics *metrics.Metrics
	// Interval is how often the conditions are read here and judged in
	// the helper (default 250 ms).
	Interval time.Duration
	// Backoff is the first wait before a dead helper is started again
	// (default 1 s); it doubles up to MaxBackoff while restarts fail.
	Backoff time.Duration
}

const (
	defaultInterval = 250 * time.Millisecond
	defaultBackoff  = time.Second
	// MaxBackoff bounds the wait between restarts of a failing helper.
	MaxBackoff = 30 * time.Second
	// stopMargin is what Stop allows the helper beyond the file's
	// shutdown_grace: GoBGP's own stop, the process exit.
	stopMargin = 15 * time.Second
)

// Proc runs the helper for one --bgp-config.
type Proc struct {
	opts Options
	log  *slog.Logger

	mu       sync.Mutex // guards the fields below
	cfg      *bgp.Config
	state    func(context.Context) (bgp.State, error)
	ch       *child // nil while the helper is down
	down     string // why it is down
	started  bool
	stopping bool
	cancel   context.CancelFunc

	kick chan struct{}
	wg   sync.WaitGroup
}

// New returns a Proc that runs nothing until Start.
func New(opts Options) *Proc {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Interval <= 0 {
		opts.Interval = defaultInterval
	}
	if opts.Backoff <= 0 {
		opts.Backoff = defaultBackoff
	}
	return &Proc{opts: opts, log: opts.Log.With("subsystem", "bgp"), kick: make(chan struct{}, 1)}
}

// Start runs the helper with cfg. An error (no helper, a speaker that
// cannot start) leaves nothing running.
func (p *Proc) Start(ctx context.Context, cfg *bgp.Config) error {
	ch, err := spawn(p.opts, p.opts.Log)
	if err != nil {
		return err
	}
	if err := ch.configure(ctx, cfg); err != nil {
		ch.kill()
		return err
	}
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.mu.Lock()
	p.cfg, p.ch, p.down, p.started, p.stopping, p.cancel = cfg, ch, "", true, false, cancel
	p.mu.Unlock()
	p.wg.Add(2)
	go p.supervise(lctx, ch)
	go p.poll(lctx)
	if err := RegisterMetrics(p.opts.Metrics, p.metricsStatus); err != nil {
		p.log.Error("BGP metrics are not served", "err", err)
	}
	return nil
}

// Reload moves the helper to cfg, which the caller has validated; the
// helper touches only what differs. A helper that is down gets cfg when
// it is back.
func (p *Proc) Reload(ctx context.Context, cfg *bgp.Config) error {
	p.mu.Lock()
	if !p.started {
		p.mu.Unlock()
		return p.Start(ctx, cfg)
	}
	p.cfg = cfg
	ch, down := p.ch, p.down
	p.mu.Unlock()
	if ch == nil {
		return fmt.Errorf("bgp: %s; the new settings apply when it is back", down)
	}
	err := ch.configure(ctx, cfg)
	p.Kick()
	return err
}

// SetState gives the conditions' source once the daemon that answers it
// runs; until then every announcement waits.
func (p *Proc) SetState(f func(context.Context) (bgp.State, error)) {
	p.mu.Lock()
	p.state = f
	p.mu.Unlock()
	p.Kick()
}

// Kick reads the conditions now rather than at the next interval.
func (p *Proc) Kick() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// NeedsInstances says whether the running announcements watch a VRRP
// instance (bgp.Config.NeedsInstances).
func (p *Proc) NeedsInstances() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg != nil && p.cfg.NeedsInstances()
}

// Status is the helper's: sessions and announcements. While the helper is
// down it is the settings' identity and announcements, none announced,
// with Down saying why, and an error.
func (p *Proc) Status(ctx context.Context) (status.BGP, error) {
	p.mu.Lock()
	ch, down, cfg := p.ch, p.down, p.cfg
	p.mu.Unlock()
	if cfg == nil {
		return status.BGP{}, errors.New("bgp: not running")
	}
	if ch != nil {
		r, err := ch.request(ctx, bgpwire.Msg{Kind: bgpwire.Status})
		if err == nil && r.Status != nil {
			if r.Err != "" {
				err = errors.New(r.Err)
			}
			return *r.Status, err
		}
		if err == nil {
			err = errors.New(r.Err)
		}
		down = err.Error()
	}
	return downStatus(cfg, down), fmt.Errorf("bgp: %s", down)
}

func downStatus(cfg *bgp.Config, why string) status.BGP {
	st := status.BGP{LocalAS: cfg.LocalAS, RouterID: cfg.RouterID.String(), Down: why,
		Neighbors: []status.BGPNeighbor{}, Announcements: make([]status.BGPAnnouncement, 0, len(cfg.Announces))}
	for _, a := range cfg.Announces {
		st.Announcements = append(st.Announcements, status.BGPAnnouncement{Prefix: a.Prefix.String(),
			At: a.Pos.String(), Conditions: []status.BGPCondition{}})
	}
	return st
}

// metricsStatus is Status for a scrape, which shows what could be read.
func (p *Proc) metricsStatus(ctx context.Context) (status.BGP, error) {
	st, err := p.Status(ctx)
	if err != nil {
		p.log.Debug("bgp status for metrics", "err", err)
	}
	return st, err
}

// Stop has the helper withdraw every announcement, wait for the peers
// (at most the file's shutdown_grace) and exit; the daemon lets IPVS go
// only after. A restart in progress is abandoned.
func (p *Proc) Stop(ctx context.Context) {
	p.mu.Lock()
	if !p.started || p.stopping {
		p.mu.Unlock()
		return
	}
	p.stopping = true
	ch, grace := p.ch, p.cfg.ShutdownGrace
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
	if ch != nil {
		ctx, cancel := context.WithTimeout(ctx, grace+stopMargin)
		defer cancel()
		if err := ch.stop(ctx); err != nil {
			p.log.Error("BGP helper did not confirm the withdrawal", "err", err)
		}
	}
	p.mu.Lock()
	p.ch, p.started, p.down = nil, false, "stopped"
	p.mu.Unlock()
}
