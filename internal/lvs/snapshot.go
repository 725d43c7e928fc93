package lvs

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/ipvs"
)

// Key names a virtual server as status.VirtualServer.Key documents it:
// "TCP 192.0.2.10:80", "UDP [2001:db8::1]:53", "FWM 7" ("FWM 7 inet6" for
// an IPv6 fwmark service), "TCP group NAME" for a virtual_server_group.
func Key(v ipvs.VirtualServer) string {
	switch {
	case v.FWMark != 0 && v.Family == 6:
		return fmt.Sprintf("FWM %d inet6", v.FWMark)
	case v.FWMark != 0:
		return fmt.Sprintf("FWM %d", v.FWMark)
	case v.Group != "":
		return fmt.Sprintf("%s group %s", v.Protocol, v.Group)
	}
	return fmt.Sprintf("%s %s", v.Protocol, v.Addr)
}

// ErrNotRunning is returned by Drain when no IPVS table is in use.
var ErrNotRunning = errors.New("lvs: IPVS is not in use (no virtual_server, or IPVS unavailable)")

// lookup finds a virtual server by its status key (or by the reconciler's
// own key, as logs print it) and parses a real server's "addr:port".
func lookup(cfg ipvs.Config, vs, rs string) (ipvs.VirtualServer, netip.AddrPort, error) {
	ap, err := netip.ParseAddrPort(rs)
	if err != nil {
		return ipvs.VirtualServer{}, ap, fmt.Errorf("lvs: real server %q: want ADDR:PORT: %w", rs, err)
	}
	for _, v := range cfg.Servers {
		if Key(v) == vs || v.Key() == vs {
			return v, ap, nil
		}
	}
	return ipvs.VirtualServer{}, ap, fmt.Errorf("lvs: no virtual server %q", vs)
}

// Drain keeps real server rs of virtual server vs in the table at weight 0
// (on) or gives it back its weight (off). The drain is kept over reloads
// for as long as the real server stays configured, and Snapshot shows it.
func (s *Subsystem) Drain(vs, rs string, on bool) error {
	if !s.started() {
		return ErrNotRunning
	}
	// On the subsystem's goroutine, so that a drain right after Start or
	// Reload finds the configuration they queued.
	var v ipvs.VirtualServer
	var ap netip.AddrPort
	var rep ipvs.Report
	var err error
	s.wait(func() {
		if v, ap, err = lookup(s.cfg, vs, rs); err == nil {
			rep, err = s.rec.Drain(v.Key(), ap, on)
		}
	})
	if err != nil {
		return fmt.Errorf("lvs drain %s %s: %w", vs, rs, err)
	}
	s.log.Info("real server drain", "service", Key(v), "real", ap, "drained", on, "operations", len(rep.Ops))
	s.actions(rep)
	return nil
}

// Snapshot returns every virtual server with its real servers, their
// checkers and the kernel's counters. It is safe from any goroutine.
func (s *Subsystem) Snapshot() []status.VirtualServer {
	s.mu.Lock()
	rec, sched := s.rec, s.sched
	s.mu.Unlock()
	if rec == nil {
		return nil
	}
	checkers := map[check.Target][]status.Checker{}
	if sched != nil {
		for _, c := range sched.Status() {
			checkers[c.Target] = append(checkers[c.Target], status.Checker{Kind: c.Kind.String(), At: c.Source,
				Up: c.Up, LastResult: c.LastReason, LastLatency: status.Duration(c.LastLatency), LastCheck: c.LastCheck, Results: c.Results})
		}
	}
	views := rec.View(true)
	out := make([]status.VirtualServer, 0, len(views))
	for _, v := range views {
		out = append(out, vsStatus(v, checkers))
	}
	return out
}

func vsStatus(v ipvs.VSView, checkers map[check.Target][]status.Checker) status.VirtualServer {
	x := status.VirtualServer{Key: Key(v.VS), Protocol: v.VS.Protocol.String(), Fwmark: v.VS.FWMark,
		Scheduler: v.VS.Scheduler, Quorum: v.QuorumUp, Stats: statsOf(v.Stats), Reals: make([]status.RealServer, 0, len(v.Reals))}
	if v.VS.FWMark != 0 {
		x.Protocol = "FWM"
	} else if v.VS.Group == "" {
		x.Addr, x.Port = v.VS.Addr.Addr().String(), v.VS.Addr.Port()
	}
	for _, r := range v.Reals {
		cks := checkers[check.Target{Service: v.VS.Key(), Real: r.Addr}]
		if cks == nil {
			cks = []status.Checker{}
		}
		x.Reals = append(x.Reals, status.RealServer{Key: r.Addr.String(), Addr: r.Addr.Addr().String(), Port: r.Addr.Port(),
			WeightConfigured: r.Configured, WeightCurrent: r.Current, Healthy: r.Alive, Drained: r.Drained,
			Checkers: cks, Stats: statsOf(r.Stats)})
	}
	return x
}

func statsOf(s ipvs.Stats) status.IPVSStats {
	return status.IPVSStats{Conns: s.Conns, InPkts: s.InPkts, OutPkts: s.OutPkts, InBytes: s.InBytes, OutBytes: s.OutBytes,
		CPS: s.CPS, InPPS: s.InPPS, OutPPS: s.OutPPS, InBPS: s.InBPS, OutBPS: s.OutBPS}
}

// Dump is SIGUSR1's checker dump (keepalived_check.data): the IPVS table
// as govrrpd sees it, in ipvsadm -Ln's spirit.
func (s *Subsystem) Dump() []byte {
	s.mu.Lock()
	rec := s.rec
	s.mu.Unlock()
	var w strings.Builder
	if rec == nil {
		w.WriteString("IPVS not in use\n")
		return []byte(w.String())
	}
	t, err := rec.Table()
	if err != nil {
		fmt.Fprintf(&w, "IPVS read error: %v\n", err)
		return []byte(w.String())
	}
	for _, k := range t.Keys() {
		e := t[k]
		fmt.Fprintf(&w, "%s %s\n", e.Service.Key, e.Service.Scheduler)
		for _, a := range sortedDests(e) {
			dd := e.Dests[a]
			fmt.Fprintf(&w, "  -> %s weight %d %s\n", a, dd.Weight, dd.Method)
		}
	}
	return []byte(w.String())
}

func sortedDests(e *ipvs.Entry) []netip.AddrPort {
	out := make([]netip.AddrPort, 0, len(e.Dests))
	for a := range e.Dests {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b netip.AddrPort) int { return a.Compare(b) })
	return out
}

// ReconcileStats returns the reconciler's operation counters since start
// (the metrics' govrrpd_ipvs_reconcile_*); zero when IPVS is not in use.
// It is safe from any goroutine.
func (s *Subsystem) ReconcileStats() status.ReconcileStats {
	s.mu.Lock()
	rec := s.rec
	s.mu.Unlock()
	if rec == nil {
		return status.ReconcileStats{Ops: map[string]uint64{}}
	}
	st := rec.Stats()
	return status.ReconcileStats{Ops: st.Map(), Errors: st.Errors}
}
