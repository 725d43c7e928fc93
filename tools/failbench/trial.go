package main

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

const (
	probeEvery = 1 * time.Millisecond
	// lateReply: a reply slower than this marks its probe lost; a lab
	// round trip is well under a millisecond.
	lateReply = 10 * time.Millisecond
	// steady is how long the client must be answered without a loss
	// before and after a failover.
	steady = 60 * time.Millisecond
)

// runTrial takes the pair's master down by ev at phase phi of its advert
// timer (phase.go) and measures the takeover and what the client saw; the
// master is left down for ensureMaster.
func runTrial(ctx context.Context, p *pair, mt meters, m mode, ev event, phi float64) sample {
	offset := phaseOffset(phi, m.Advert)
	s := sample{Impl: p.impl, Mode: m.Name, Event: ev, Phase: float64(offset) / float64(m.Advert)}
	if err := p.ensureMaster(ctx, m); err != nil {
		s.Err = err.Error()
		return s
	}
	ping, err := mt.lab.Client.StartPinger(p.vip.Addr(), probeEvery)
	if err != nil {
		s.Err = err.Error()
		return s
	}
	defer ping.Stop()
	if err := waitSteady(ctx, ping, time.Now(), 3*time.Second); err != nil {
		s.Err = "before: " + err.Error()
		return s
	}
	src, vrid := p.hosts[0].Addr4, uint8(p.vrid)
	if _, err := alignPhase(ctx, mt.adverts, src, vrid, m.Advert, offset); err != nil {
		s.Err = "align: " + err.Error()
		return s
	}
	t0 := time.Now()
	switch ev {
	case evKill:
		err = p.procs[0].CrashTree(p.kids[0], p.vip)
	case evTerm:
		err = p.procs[0].Signal(syscall.SIGTERM)
	}
	if err != nil {
		s.Err = err.Error()
		return s
	}
	if seen := recentAdverts(mt.adverts, src, vrid, t0, refAdverts); len(seen) > 0 {
		s.PhaseGot = phaseOf(t0, timerRef(seen, m.Advert), m.Advert)
	}
	bound := m.bound(ev)
	got, ok := mt.addrs.Wait(p.hosts[1].Name, p.vip.Addr(), true, t0, bound+3*time.Second)
	if !ok {
		s.Err = fmt.Sprintf("backup never took the VIP (bound %v)", bound)
		return s
	}
	s.Takeover = got.At.Sub(t0)
	if last, ok := mt.adverts.Last(p.hosts[0].Addr4, uint8(p.vrid), time.Now()); ok && ev == evKill && last.At.After(t0) {
		s.Err = fmt.Sprintf("crashed master still advertised %v after t0 (prio %d)", last.At.Sub(t0), last.Priority)
	}
	s.Late, s.Phased = lateness(mt.adverts, p, ev, t0, got.At, bound)
	// The backup's first advert as master splits the lateness into its
	// timer (advert) and its address change (VIP).
	if a, ok := mt.adverts.FirstPrio(p.hosts[1].Addr4, uint8(p.vrid), prioBackup, t0); ok && s.Phased {
		s.AdvertLate = s.Late - got.At.Sub(a.At)
	}
	if err := waitSteady(ctx, ping, got.At, 3*time.Second); err != nil {
		s.Err = "after: " + err.Error()
	}
	// Probes younger than lateReply may still be in flight: not lost yet.
	// Replies that came before the cut must be recorded first.
	cut := time.Now()
	if !ping.ReadPast(cut, time.Second) && s.Err == "" {
		s.Err = "client's reader did not catch up within 1s"
	}
	o := lab.MeasureOutage(ping.Probes(), t0, cut.Add(-lateReply), lateReply)
	s.Outage, s.Gap, s.Lost = o.Duration, o.Gap, o.Lost
	s.ClientLate, s.SendGap = o.ClientLate, o.SendGap
	if o.Lost > 0 {
		s.LossStart = o.Start.Sub(t0)
	}
	// A crashed host's VIP dies with it, at t0. The emulation takes
	// 0.2–3 ms to freeze the tree and delete the address (more for
	// keepalived's two processes), and the first lost probe comes up to a
	// probe interval after that: neither is the daemons'. So a crash's
	// outage runs from t0; a clean stop's from the first lost probe, since
	// there the daemon itself decides when the VIP goes.
	if ev == evKill && o.Recovered {
		s.Outage = o.End.Sub(t0)
	}
	if ev == evTerm && !p.procs[0].Wait(5*time.Second) {
		s.Err = "master did not exit on SIGTERM"
		p.procs[0].Crash()
	}
	return s
}

// waitSteady waits until every probe sent for steady after since was
// answered in time.
func waitSteady(ctx context.Context, ping *lab.Pinger, since time.Time, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		run := time.Duration(0)
		settled := time.Now().Add(-lateReply) // later probes may still be answered
		for _, pr := range ping.Probes() {
			if pr.Sent.Before(since) {
				continue
			}
			if pr.Sent.After(settled) {
				break
			}
			if !pr.Answered(lateReply) {
				run = 0
				continue
			}
			run += probeEvery
		}
		if run >= steady {
			return nil
		}
		sleep(ctx, 10*time.Millisecond)
	}
	return fmt.Errorf("client did not reach the VIP steadily within %v", timeout)
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// meters are the lab's instruments, shared by every run.
type meters struct {
	lab     *lab.Lab
	addrs   *lab.AddrWatch
	adverts *lab.AdvertLog
}

// lateness is how long after the protocol allowed it the backup took the
// VIP: from the master's last advert (kill) or its priority-0 advert
// (term), as the client heard them, plus the bound. It is free of the
// crash's phase against the advert timer, which the takeover is not.
func lateness(a *lab.AdvertLog, p *pair, ev event, t0, took time.Time, bound time.Duration) (time.Duration, bool) {
	src, vrid := p.hosts[0].Addr4, uint8(p.vrid)
	var ref lab.AdvertSeen
	var ok bool
	if ev == evKill {
		ref, ok = a.Last(src, vrid, t0)
	} else {
		ref, ok = a.FirstPrio(src, vrid, 0, t0)
	}
	if !ok {
		return 0, false
	}
	return took.Sub(ref.At.Add(bound)), true
}
