package track

import (
	"context"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// riseFall is keepalived's vrrp_script result counter: a single number in
// [0, rise+fall-1] that is "up" from rise upwards. A success below rise-1
// climbs one step, otherwise jumps to the top (so one success undoes a
// partial fall); a failure above rise steps down, otherwise drops to 0 (so
// one failure undoes a partial rise). Hence exactly fall consecutive
// failures take an up script down and rise consecutive successes bring a
// down one up.
type riseFall struct {
	rise, fall int
	result     int
	known, up  bool
}

// newRiseFall starts a script in keepalived's initial state: with init_fail
// it is known to be down; otherwise it is unknown and the first result,
// whatever it is, is reported at once (one success is enough to be up, one
// failure puts it down).
func newRiseFall(rise, fall int, initFail bool) riseFall {
	rise, fall = max(rise, 1), max(fall, 1)
	r := riseFall{rise: rise, fall: fall}
	if initFail {
		r.known = true
	} else {
		r.result = rise - 1
	}
	return r
}

// observe records one run and reports whether the state must be reported.
func (r *riseFall) observe(ok bool) bool {
	wasKnown, wasUp := r.known, r.up
	top := r.rise + r.fall - 1
	switch {
	case ok && r.result < r.rise-1:
		r.result++
	case ok:
		r.result = top
	case r.result > r.rise:
		r.result--
	default:
		r.result = 0
	}
	r.up = r.result >= r.rise
	r.known = true
	return !wasKnown || r.up != wasUp
}

// sameScriptProbe reports whether two definitions probe identically (the
// weight only matters to the instances).
func sameScriptProbe(a, b vrrp.ScriptTracker) bool {
	return a.Script.Raw == b.Script.Raw && a.Script.User == b.Script.User && a.Script.Group == b.Script.Group &&
		slicesEqual(a.Script.Argv, b.Script.Argv) && a.Interval == b.Interval && a.Timeout == b.Timeout &&
		a.Rise == b.Rise && a.Fall == b.Fall && a.InitFail == b.InitFail
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// scriptProbe runs one vrrp_script in its own goroutine, so runs of one
// script never overlap and a hung script delays nothing else.
type scriptProbe struct {
	cfg    vrrp.ScriptTracker
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	state riseFall
}

func (p *Probes) startScript(cfg vrrp.ScriptTracker, carry *riseFall) {
	ctx, cancel := context.WithCancel(p.ctx)
	s := &scriptProbe{cfg: cfg, cancel: cancel, done: make(chan struct{}),
		state: newRiseFall(cfg.Rise, cfg.Fall, cfg.InitFail)}
	if carry != nil {
		s.state = *carry
	} else if s.state.known {
		p.emit(Result{Kind: vrrp.TrackKindScript, Name: cfg.Name, Up: s.state.up})
	}
	p.scripts[cfg.Name] = s
	go p.runScript(ctx, s)
}

func (s *scriptProbe) stop() {
	s.cancel()
	<-s.done
}

func (p *Probes) updateScripts(list []vrrp.ScriptTracker) {
	want := map[string]vrrp.ScriptTracker{}
	for _, s := range list {
		want[s.Name] = s
	}
	for name, s := range p.scripts {
		if n, ok := want[name]; ok && sameScriptProbe(n, s.cfg) {
			// Kept as is: s.cfg belongs to the running goroutine, and
			// what differs (the weight) does not affect probing.
			delete(want, name)
			continue
		}
		s.stop()
		delete(p.scripts, name)
		p.forget(vrrp.TrackKindScript, name)
	}
	for _, s := range list {
		if _, ok := want[s.Name]; ok {
			p.startScript(s, nil)
		}
	}
}

// runScript runs the script on a fixed grid of interval from its start.
// Like keepalived, a tick that comes while a run is still going is skipped,
// so a slow script is run again at the first tick after it ends.
func (p *Probes) runScript(ctx context.Context, s *scriptProbe) {
	defer close(s.done)
	interval := s.cfg.Interval
	if interval <= 0 {
		interval = time.Second
	}
	timeout := s.cfg.Timeout
	if timeout <= 0 {
		timeout = interval
	}
	t := time.NewTimer(0)
	defer t.Stop()
	start := time.Now()
	lastErr := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res := p.runner.Run(ctx, s.cfg.Script, timeout)
		if ctx.Err() != nil {
			return // killed by Stop/Update: not a result
		}
		ok := res.ExitCode == 0 && res.Err == nil && !res.TimedOut
		if res.Err != nil && res.Err.Error() != lastErr {
			p.log().Warn("vrrp_script failed", "script", s.cfg.Name, "err", res.Err)
		}
		lastErr = ""
		if res.Err != nil {
			lastErr = res.Err.Error()
		}
		s.mu.Lock()
		changed := s.state.observe(ok)
		up := s.state.up
		s.mu.Unlock()
		if p.onScriptRun != nil {
			p.onScriptRun(s.cfg.Name, ok)
		}
		if changed {
			p.log().Info("vrrp_script state", "script", s.cfg.Name, "up", up)
			p.emit(Result{Kind: vrrp.TrackKindScript, Name: s.cfg.Name, Up: up})
		}
		elapsed := time.Since(start)
		next := (elapsed/interval + 1) * interval
		t.Reset(next - elapsed)
	}
}
