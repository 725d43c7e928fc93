package lvs

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
)

// ScriptRunner runs notify_up/down and quorum_up/down; the daemon passes
// its notify queue so LVS scripts keep their order with VRRP's.
type ScriptRunner interface {
	RunScript(script.Spec)
}

// Options configure a Subsystem; the zero value runs against the kernel.
type Options struct {
	Log     *slog.Logger
	Scripts ScriptRunner // nil: scripts are logged, not run
	// DontRelease is -I: leave the IPVS table as it is at exit.
	DontRelease bool
	// NewBackend opens the IPVS table at the first configuration with a
	// virtual server; default DefaultBackend.
	NewBackend func() (ipvs.Backend, error)
	// Check tunes the checker scheduler (tests pass a fake clock or
	// prober); its Logger defaults to Log.
	Check check.Options
	// Observe, if set, hears every real-server and quorum change, with or
	// without a script (the SNMP sub-agent's traps). It must not block.
	Observe func(ipvs.Action)
	// Metrics, if set, gets the subsystem's collectors at Start and every
	// checker attempt's latency.
	Metrics *metrics.Metrics
	// Loaded, if set, runs on the subsystem's goroutine once a start or a
	// reload has applied the table and started the checkers: the heap
	// has its new steady size then (the daemon re-tunes its memory limit).
	Loaded func()
}

// DefaultBackend picks the IPVS backend: the kernel through moby/ipvs, or,
// when GOVRRPD_IPVS_BACKEND=memory, an in-memory table with the kernel's
// semantics — for hosts without ip_vs (like the lab's), where the table is
// then visible only in the dumps and the status API.
func DefaultBackend() (ipvs.Backend, error) {
	if os.Getenv("GOVRRPD_IPVS_BACKEND") == "memory" {
		return ipvs.NewMemory(), nil
	}
	return kernelBackend()
}

// Subsystem runs the IPVS table and its checkers beside the VRRP event
// loop, never on it. Table work is queued to one goroutine so changes keep
// their order; the reconciler is safe for concurrent use, which lets
// Snapshot and Dump read it from any goroutine.
type Subsystem struct {
	opts    Options
	log     *slog.Logger
	metrics *Collectors // nil without Options.Metrics

	mu    sync.Mutex // guards the fields below against Snapshot and Drain
	rec   *ipvs.Reconciler
	sched *check.Scheduler
	cfg   ipvs.Config
	// checkers are the running checkers' settings (Plan compares them).
	checkers []check.Checker
	// bfdUp is every BFD session's latest state (bfd.go); owned by the
	// subsystem's goroutine.
	bfdUp map[string]bool

	cancel context.CancelFunc // the running scheduler's context
	work   chan func()
	done   chan struct{}
	// closing makes queued health verdicts no-ops once shutdown starts, so
	// a burst of DOWNs never delays the exit.
	closing atomic.Bool
}

// New returns a subsystem that does nothing until Start.
func New(opts Options) *Subsystem {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Check.Logger == nil {
		opts.Check.Logger = opts.Log
	}
	if opts.NewBackend == nil {
		opts.NewBackend = DefaultBackend
	}
	s := &Subsystem{opts: opts, log: opts.Log}
	if opts.Metrics != nil {
		s.metrics = NewCollectors(func() ([]status.VirtualServer, status.ReconcileStats) {
			return s.Snapshot(), s.ReconcileStats()
		})
		s.opts.Check.Observe = chainObserve(opts.Check.Observe, s.metrics.ObserveCheck)
	}
	return s
}

// chainObserve calls both checker observers.
func chainObserve(a, b func(check.Kind, bool, time.Duration)) func(check.Kind, bool, time.Duration) {
	if a == nil {
		return b
	}
	return func(k check.Kind, up bool, took time.Duration) { a(k, up, took); b(k, up, took) }
}

// Start applies the virtual servers and starts the checkers. A host
// without IPVS gets one loud error and keeps running VRRP; a configuration
// without virtual servers opens nothing until a reload brings some.
func (s *Subsystem) Start(ctx context.Context, cfg *confparse.Config) {
	if s.metrics != nil {
		if err := s.metrics.Register(s.opts.Metrics); err != nil {
			s.log.Error("IPVS and checker metrics are not served", "err", err)
		}
	}
	if len(cfg.VirtualServers) == 0 {
		return
	}
	b, err := s.opts.NewBackend()
	if err != nil {
		s.log.Error("IPVS is not available: virtual_server blocks are NOT applied and checkers do not run", "err", err)
		return
	}
	s.mu.Lock()
	s.rec = ipvs.NewReconciler(b, s.log)
	s.work, s.done = make(chan func(), 4096), make(chan struct{})
	s.mu.Unlock()
	go s.run()
	s.do(func() {
		s.load(cfg)
		s.startCheckers(ctx, cfg)
		s.loaded()
	})
}

func (s *Subsystem) loaded() {
	if s.opts.Loaded != nil {
		s.opts.Loaded()
	}
}

func (s *Subsystem) run() {
	defer close(s.done)
	for f := range s.work {
		f()
	}
}

// started says whether Start opened a table. Drain may ask from any
// goroutine while a reload starts the subsystem.
func (s *Subsystem) started() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.work != nil
}

// do queues f on the subsystem's goroutine.
func (s *Subsystem) do(f func()) { s.work <- f }

// wait runs f on the subsystem's goroutine and waits for it.
func (s *Subsystem) wait(f func()) {
	ch := make(chan struct{})
	s.work <- func() { f(); close(ch) }
	<-ch
}

// Config is the part of keepalived.conf the reconciler takes.
func Config(cfg *confparse.Config) ipvs.Config {
	return ipvs.Config{Globals: cfg.IPVS, Servers: cfg.VirtualServers, Groups: cfg.ServerGroups}
}

func (s *Subsystem) load(cfg *confparse.Config) {
	s.apply(Config(cfg), func(c ipvs.Config) (ipvs.Report, error) { return s.rec.Load(c) })
}

// reload applies only the virtual servers that differ from the running
// ones (ipvs.Compare); the reconciler falls back to the whole table when
// it cannot trust its record. It returns the changes, for the checkers.
func (s *Subsystem) reload(cfg *confparse.Config) ipvs.Changes {
	c := Config(cfg)
	ch := ipvs.Compare(s.cfg, c) // s.cfg is written only on this goroutine
	s.apply(c, func(c ipvs.Config) (ipvs.Report, error) { return s.rec.LoadChanged(c, ch) },
		"virtual_servers_changed", len(ch.Next), "removed", len(ch.Gone), "globals_changed", ch.Whole)
	return ch
}

func (s *Subsystem) apply(c ipvs.Config, load func(ipvs.Config) (ipvs.Report, error), attrs ...any) {
	rep, err := load(c)
	if err != nil {
		s.log.Error("IPVS", "err", err)
	}
	s.mu.Lock()
	s.cfg = c
	s.mu.Unlock()
	s.log.Info("IPVS applied", append([]any{"operations", len(rep.Ops)}, attrs...)...)
	s.actions(rep)
}

// copyCheckers copies the configuration's checkers: the scheduler keeps its
// own copy of each, and a later reload may edit the configuration's.
func copyCheckers(cfg *confparse.Config) []check.Checker {
	cks := make([]check.Checker, len(cfg.Checkers))
	for i, c := range cfg.Checkers {
		cks[i] = *c
	}
	return cks
}

func (s *Subsystem) startCheckers(ctx context.Context, cfg *confparse.Config) {
	cks := copyCheckers(cfg)
	s.mu.Lock()
	s.checkers = cks
	s.mu.Unlock()
	if len(cks) == 0 {
		return
	}
	sink := check.SinkFunc(func(r check.Result) {
		s.do(func() {
			if !s.closing.Load() {
				s.health(r)
			}
		})
	})
	sc, err := check.NewScheduler(cks, sink, s.opts.Check)
	if err != nil {
		s.log.Error("checkers not started", "err", err)
		return
	}
	cctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.sched, s.cancel = sc, cancel
	s.mu.Unlock()
	sc.Start(cctx)
	s.replayBFD()
}

// HealthOf is the one conversion of a checker verdict into an IPVS health
// change: every field the reconciler acts on, FILE_CHECK's WeightDelta
// included.
func HealthOf(r check.Result) ipvs.Health {
	return ipvs.Health{Service: r.Target.Service, Real: r.Target.Real, Up: r.Up,
		Weight: r.Weight, HasWeight: r.WeightSet, WeightDelta: r.WeightDelta}
}

// health applies one checker verdict to IPVS.
func (s *Subsystem) health(r check.Result) {
	s.log.Info("real server health", "service", r.Target.Service, "real", r.Target.Real, "up", r.Up,
		"weight_delta", r.WeightDelta, "reason", r.Reason)
	rep, err := s.rec.Health(HealthOf(r))
	if err != nil {
		s.log.Error("IPVS health", "err", err)
	}
	s.actions(rep)
}

// actions runs notify_up/down and quorum_up/down in order, through the
// daemon's notify queue.
func (s *Subsystem) actions(rep ipvs.Report) {
	for _, a := range rep.Actions {
		s.log.Info("lvs event", "kind", a.Kind.String(), "service", a.Service, "real", a.Real)
		if s.opts.Observe != nil {
			s.opts.Observe(a)
		}
		if a.Script.IsZero() || s.opts.Scripts == nil {
			continue
		}
		s.opts.Scripts.RunScript(a.Script)
	}
}

// Reload re-applies IPVS (only what changed; health and drains of real
// servers that stay are kept). The running checkers stay when the new
// list is theirs less whole real servers (check.Scheduler.Adopt: a
// weight edited, a real server dropped, lines moved); otherwise they
// restart on the new list.
func (s *Subsystem) Reload(ctx context.Context, cfg *confparse.Config) {
	if !s.started() {
		s.Start(ctx, cfg)
		return
	}
	s.do(func() {
		s.reload(cfg)
		if !s.adoptCheckers(cfg) {
			s.stopCheckers()
			s.startCheckers(ctx, cfg)
		}
		s.loaded()
	})
}

// adoptCheckers hands the new list to the running scheduler, if it takes
// it; it runs on the subsystem's goroutine.
func (s *Subsystem) adoptCheckers(cfg *confparse.Config) bool {
	s.mu.Lock()
	sc := s.sched
	s.mu.Unlock()
	if sc == nil || len(cfg.Checkers) == 0 {
		return false
	}
	cks := copyCheckers(cfg)
	retired, ok := sc.Adopt(cks)
	if !ok {
		return false
	}
	s.mu.Lock()
	s.checkers = cks
	s.mu.Unlock()
	s.log.Info("checkers kept across the reload", "running", len(cks), "stopped", retired)
	return true
}

// stopCheckers runs on the subsystem's goroutine.
func (s *Subsystem) stopCheckers() {
	s.mu.Lock()
	sc, cancel := s.sched, s.cancel
	s.sched = nil
	s.mu.Unlock()
	if sc != nil {
		sc.Stop()
		cancel()
	}
}

// Stop stops the checkers and, unless -I, removes what govrrpd added.
func (s *Subsystem) Stop() {
	if !s.started() {
		return
	}
	s.closing.Store(true)
	// Stop the checkers outside the subsystem's goroutine: a result they
	// are delivering may be waiting for it.
	var sc *check.Scheduler
	var cancel context.CancelFunc
	s.wait(func() {
		s.mu.Lock()
		sc, cancel = s.sched, s.cancel
		s.sched = nil
		s.mu.Unlock()
	})
	if sc != nil {
		sc.Stop()
		cancel()
	}
	s.wait(func() {
		if s.opts.DontRelease {
			return
		}
		rep, err := s.rec.Release()
		if err != nil {
			s.log.Error("IPVS release", "err", err)
		}
		s.log.Info("IPVS released", "operations", len(rep.Ops))
		s.actions(rep)
	})
	close(s.work)
	<-s.done
}
