package daemon

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/ipvs"
)

// lvs is the health-checker subsystem (keepalived's Keepalived_healthcheckers
// child): the IPVS reconciler and the checker scheduler. Every router runs
// it, as keepalived does, so a VRRP takeover needs no IPVS work.
//
// It runs beside the VRRP event loop, never on it: applying a large table
// or a burst of health changes must not delay an advert. Work is queued to
// one goroutine so table changes keep their order; the reconciler itself is
// safe for concurrent use, which lets dumps read it from the loop.
type lvs struct {
	rec     *ipvs.Reconciler
	backend ipvs.Backend
	sched   *check.Scheduler
	cancel  context.CancelFunc
	work    chan func()
	done    chan struct{}
	// closing makes queued health verdicts no-ops once shutdown starts, so
	// a burst of DOWNs never delays the exit.
	closing atomic.Bool
}

func (l *lvs) run() {
	defer close(l.done)
	for f := range l.work {
		f()
	}
}

// do queues f on the LVS goroutine.
func (l *lvs) do(f func()) { l.work <- f }

// wait runs f on the LVS goroutine and waits for it.
func (l *lvs) wait(f func()) {
	ch := make(chan struct{})
	l.work <- func() { f(); close(ch) }
	<-ch
}

// newBackend picks the IPVS backend: the kernel through moby/ipvs, or, when
// GOVRRPD_IPVS_BACKEND=memory, an in-memory table with the kernel's
// semantics — for hosts without ip_vs (like the lab's), where the table is
// then visible only in the SIGUSR1 dump.
func newBackend() (ipvs.Backend, error) {
	if os.Getenv("GOVRRPD_IPVS_BACKEND") == "memory" {
		return ipvs.NewMemory(), nil
	}
	return ipvs.NewKernel("")
}

// startLVS applies the virtual servers and starts the checkers. A host
// without IPVS gets one loud error and keeps running VRRP.
func (d *Daemon) startLVS(ctx context.Context, cfg *confparse.Config) {
	if len(cfg.VirtualServers) == 0 {
		return
	}
	b, err := newBackend()
	if err != nil {
		d.log.Error("IPVS is not available: virtual_server blocks are NOT applied and checkers do not run", "err", err)
		return
	}
	l := &lvs{backend: b, rec: ipvs.NewReconciler(b, d.log), work: make(chan func(), 4096), done: make(chan struct{})}
	d.lvs = l
	go l.run()
	l.do(func() {
		d.loadLVS(cfg)
		d.startCheckers(ctx, cfg)
	})
}

func ipvsConfig(cfg *confparse.Config) ipvs.Config {
	return ipvs.Config{Globals: cfg.IPVS, Servers: cfg.VirtualServers, Groups: cfg.ServerGroups}
}

func (d *Daemon) loadLVS(cfg *confparse.Config) {
	rep, err := d.lvs.rec.Load(ipvsConfig(cfg))
	if err != nil {
		d.log.Error("IPVS", "err", err)
	}
	d.log.Info("IPVS applied", "operations", len(rep.Ops))
	d.lvsActions(rep)
}

func (d *Daemon) startCheckers(ctx context.Context, cfg *confparse.Config) {
	if len(cfg.Checkers) == 0 {
		return
	}
	sink := check.SinkFunc(func(r check.Result) {
		d.lvs.do(func() {
			if !d.lvs.closing.Load() {
				d.health(r)
			}
		})
	})
	// The scheduler keeps its own copy of each checker.
	cks := make([]check.Checker, len(cfg.Checkers))
	for i, c := range cfg.Checkers {
		cks[i] = *c
	}
	s, err := check.NewScheduler(cks, sink, check.Options{Logger: d.log})
	if err != nil {
		d.log.Error("checkers not started", "err", err)
		return
	}
	cctx, cancel := context.WithCancel(ctx)
	d.lvs.sched, d.lvs.cancel = s, cancel
	s.Start(cctx)
}

// health applies one checker verdict to IPVS.
func (d *Daemon) health(r check.Result) {
	if d.lvs == nil {
		return
	}
	d.log.Info("real server health", "service", r.Target.Service, "real", r.Target.Real, "up", r.Up, "reason", r.Reason)
	rep, err := d.lvs.rec.Health(ipvs.Health{Service: r.Target.Service, Real: r.Target.Real, Up: r.Up,
		Weight: r.Weight, HasWeight: r.WeightSet})
	if err != nil {
		d.log.Error("IPVS health", "err", err)
	}
	d.lvsActions(rep)
}

// lvsActions runs notify_up/down and quorum_up/down in order, through the
// same ordered queue as VRRP notifications.
func (d *Daemon) lvsActions(rep ipvs.Report) {
	for _, a := range rep.Actions {
		d.log.Info("lvs event", "kind", a.Kind.String(), "service", a.Service, "real", a.Real)
		if a.Script.IsZero() {
			continue
		}
		d.notifier.RunScript(a.Script)
	}
}

// reloadLVS re-applies IPVS (only what changed) and restarts the checkers
// on the new list.
func (d *Daemon) reloadLVS(ctx context.Context, cfg *confparse.Config) {
	if d.lvs == nil {
		d.startLVS(ctx, cfg)
		return
	}
	d.lvs.do(func() {
		d.loadLVS(cfg)
		d.stopCheckers()
		d.startCheckers(ctx, cfg)
	})
}

func (d *Daemon) stopCheckers() {
	if d.lvs != nil && d.lvs.sched != nil {
		d.lvs.sched.Stop()
		d.lvs.cancel()
		d.lvs.sched = nil
	}
}

// stopLVS stops the checkers and, unless -I, removes what govrrpd added.
func (d *Daemon) stopLVS() {
	if d.lvs == nil {
		return
	}
	d.lvs.closing.Store(true)
	// Stop the checkers outside the LVS goroutine: a result they are
	// delivering may be waiting for it.
	var sched *check.Scheduler
	var cancel context.CancelFunc
	d.lvs.wait(func() { sched, cancel = d.lvs.sched, d.lvs.cancel; d.lvs.sched = nil })
	if sched != nil {
		sched.Stop()
		cancel()
	}
	d.lvs.wait(func() {
		if d.opts.DontReleaseIPVS {
			return
		}
		rep, err := d.lvs.rec.Release()
		if err != nil {
			d.log.Error("IPVS release", "err", err)
		}
		d.log.Info("IPVS released", "operations", len(rep.Ops))
		d.lvsActions(rep)
	})
	close(d.lvs.work)
	<-d.lvs.done
}

// checkData is SIGUSR1's checker dump (keepalived_check.data): the IPVS
// table as govrrpd sees it, in ipvsadm -Ln's spirit.
func (d *Daemon) checkData() []byte {
	var b strings.Builder
	if d.lvs == nil {
		b.WriteString("IPVS not in use\n")
		return []byte(b.String())
	}
	t, err := ipvs.Read(d.lvs.backend, func(ipvs.ServiceKey) bool { return true })
	if err != nil {
		fmt.Fprintf(&b, "IPVS read error: %v\n", err)
		return []byte(b.String())
	}
	for _, k := range t.Keys() {
		e := t[k]
		fmt.Fprintf(&b, "%s %s\n", e.Service.Key, e.Service.Scheduler)
		for _, a := range sortedDests(e) {
			dd := e.Dests[a]
			fmt.Fprintf(&b, "  -> %s weight %d %s\n", a, dd.Weight, dd.Method)
		}
	}
	return []byte(b.String())
}

func sortedDests(e *ipvs.Entry) []netip.AddrPort {
	out := make([]netip.AddrPort, 0, len(e.Dests))
	for a := range e.Dests {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b netip.AddrPort) int { return a.Compare(b) })
	return out
}
