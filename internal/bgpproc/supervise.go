package bgpproc

import (
	"context"
	"maps"
	"time"

	"github.com/govrrpd/govrrpd/internal/bgpwire"
)

// healthy is how long a helper must have run for the next restart to wait
// only the first backoff again.
const healthy = time.Minute

// supervise restarts the helper whenever it exits on its own, until ctx
// ends (Stop).
func (p *Proc) supervise(ctx context.Context, ch *child) {
	defer p.wg.Done()
	backoff, since := p.opts.Backoff, time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ch.exited:
		}
		p.mu.Lock()
		p.ch, p.down = nil, "helper exited ("+exitText(ch.err)+"), restarting"
		p.mu.Unlock()
		p.log.Error("BGP helper died: its sessions and announcements are gone until it is back",
			"helper", p.opts.Helper, "exit", exitText(ch.err), "ran", time.Since(since).Round(time.Second))
		if time.Since(since) >= healthy {
			backoff = p.opts.Backoff
		}
		for ch = nil; ch == nil; backoff = min(2*backoff, MaxBackoff) {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			ch = p.restart(ctx)
		}
		since = time.Now()
	}
}

// restart starts a helper and gives it the running settings; nil when
// that failed (logged) or Stop came meanwhile.
func (p *Proc) restart(ctx context.Context) *child {
	ch, err := spawn(p.opts, p.opts.Log)
	if err != nil {
		p.log.Error("BGP helper not restarted", "err", err)
		return nil
	}
	p.mu.Lock()
	cfg := p.cfg
	p.mu.Unlock()
	if err := ch.configure(ctx, cfg); err != nil {
		p.log.Error("BGP helper restarted but its settings do not run", "err", err)
		ch.kill()
		return nil
	}
	p.mu.Lock()
	if p.stopping {
		p.mu.Unlock()
		ch.kill()
		return nil
	}
	p.ch, p.down = ch, ""
	p.mu.Unlock()
	p.log.Warn("BGP helper restarted; announcing again as the conditions allow", "pid", ch.cmd.Process.Pid)
	p.Kick()
	return ch
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// poll reads the conditions every interval (or on Kick) and sends them
// to the helper when they changed since it last had them.
func (p *Proc) poll(ctx context.Context) {
	defer p.wg.Done()
	t := time.NewTicker(p.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.kick:
		}
		p.mu.Lock()
		state, ch := p.state, p.ch
		p.mu.Unlock()
		if state == nil || ch == nil {
			continue
		}
		m := bgpwire.Msg{Kind: bgpwire.State}
		if st, err := state(ctx); err != nil {
			m.Err = err.Error()
		} else {
			m.State = &st
		}
		if ch.sent != nil && sameState(*ch.sent, m) {
			continue
		}
		if err := ch.w.Send(m); err != nil {
			p.log.Debug("bgp conditions not sent", "err", err) // the helper is going; supervise says so
			continue
		}
		ch.sent = &m
	}
}

func sameState(a, b bgpwire.Msg) bool {
	if a.Err != b.Err || (a.State == nil) != (b.State == nil) {
		return false
	}
	return a.State == nil || maps.Equal(a.State.Quorum, b.State.Quorum) && maps.Equal(a.State.Master, b.State.Master)
}
