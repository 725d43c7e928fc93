package snmpagent

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/agentx"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/ipvs"
)

// holdTraps is how long an event waits for a session: the daemon starts
// its instances as the agent connects, and keepalived's first traps
// (the start-up BACKUP) reach the master because its agent connects
// first. Older events are dropped, as net-snmp drops a trap it cannot
// deliver, rather than replayed late.
const holdTraps = 10 * time.Second

// sendTraps turns queued events into notifications, in order.
func (a *Agent) sendTraps(ctx context.Context) {
	causes := masterCauses{}
	for {
		var e *event
		select {
		case <-ctx.Done():
			return
		case e = <-a.events:
		}
		sess, s := a.waitSession(ctx, e.at.Add(holdTraps))
		a.mu.Lock()
		dropped := a.dropped
		a.dropped = 0
		a.mu.Unlock()
		if dropped > 0 {
			a.log.Warn("snmp: trap queue full; traps dropped", "count", dropped)
		}
		if sess == nil || !s.Traps {
			continue
		}
		// A stopping daemon answers no snapshot, and its STOP traps are
		// still due: the state-change traps need only the event.
		d, err := a.snapshot()
		if err != nil && e.lvs != nil {
			a.log.Warn("snmp: no snapshot for a trap", "err", err)
			continue
		}
		for _, vbs := range trapsFor(*e, d, s, causes) {
			if err := sess.notify(vbs); err != nil {
				a.log.Warn("snmp: trap not sent", "err", err)
				break
			}
		}
	}
}

// waitSession returns the open session, waiting for one until deadline.
func (a *Agent) waitSession(ctx context.Context, deadline time.Time) (*session, Settings) {
	for {
		a.mu.Lock()
		sess, s := a.sess, a.settings
		a.mu.Unlock()
		if sess != nil || time.Now().After(deadline) {
			return sess, s
		}
		select {
		case <-ctx.Done():
			return nil, s
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// masterCauses remembers, per instance, how often each cause made it
// master: the cause whose count grew is the new master's reason.
type masterCauses map[string]map[string]uint64

// cause is what made in master since the last call.
func (m masterCauses) cause(in status.Instance) string {
	prev := m[in.Name]
	now := map[string]uint64{}
	best := ""
	for _, t := range in.Stats.Transitions {
		if t.To != "MASTER" {
			continue
		}
		now[t.Reason] += t.Count
	}
	for r, n := range now {
		if n > prev[r] && (best == "" || r < best) {
			best = r
		}
	}
	m[in.Name] = now
	return best
}

// trapsFor is what keepalived sends for e under s: its own traps when the
// tree is enabled, the RFC new-master traps for their instances.
func trapsFor(e event, d status.Daemon, s Settings, causes masterCauses) [][]agentx.VarBind {
	if e.lvs != nil {
		if s.MIBs&snmpmib.KeepalivedChecker == 0 {
			return nil
		}
		if k := e.lvs.Kind; k == ipvs.QuorumUp || k == ipvs.QuorumDown {
			vs, ok := findService(d, e.lvs.Service)
			if !ok {
				return nil
			}
			return [][]agentx.VarBind{snmpmib.QuorumTrap(vs, k == ipvs.QuorumUp, s.Host)}
		}
		vs, r, ok := findReal(d, *e.lvs)
		if !ok {
			return nil
		}
		return [][]agentx.VarBind{snmpmib.RealServerTrap(vs, r, s.Host)}
	}
	var out [][]agentx.VarBind
	switch e.n.Kind {
	case "GROUP":
		if s.MIBs&snmpmib.KeepalivedVRRP != 0 {
			out = append(out, snmpmib.GroupTrap(status.SyncGroup{Name: e.n.Name, State: e.n.State}, s.Host))
		}
	case "INSTANCE":
		switch e.n.State {
		case "MASTER", "BACKUP", "FAULT", "STOP", "DELETED":
		default:
			return nil // priority changes and lower-priority adverts have no trap
		}
		in, ok := findInstance(d, e.n.Name)
		if !ok {
			in = status.Instance{Name: e.n.Name}
		}
		snapState := in.State
		in.State = e.n.State
		if s.MIBs&snmpmib.KeepalivedVRRP != 0 {
			out = append(out, snmpmib.InstanceTrap(in, s.Host))
		}
		// The master address is ours only while the snapshot still says
		// MASTER: a trap must not name the next master as this one.
		if e.n.State != "MASTER" || snapState != "MASTER" {
			return out
		}
		if vbs, ok := snmpmib.NewMasterV2(in, s.Host); ok && s.MIBs&snmpmib.RFCv2 != 0 {
			out = append(out, vbs)
		}
		if vbs, ok := snmpmib.NewMasterV3(in, s.Host, causes.cause(in)); ok && s.MIBs&snmpmib.RFCv3 != 0 {
			out = append(out, vbs)
		}
	}
	return out
}

func findInstance(d status.Daemon, name string) (status.Instance, bool) {
	for _, in := range d.Instances {
		if in.Name == name {
			return in, true
		}
	}
	return status.Instance{}, false
}

// findReal finds act's real server, with the health the action gives it
// (the snapshot may be older or newer than the action).
func findReal(d status.Daemon, act ipvs.Action) (status.VirtualServer, status.RealServer, bool) {
	if act.Kind != ipvs.NotifyUp && act.Kind != ipvs.NotifyDown {
		return status.VirtualServer{}, status.RealServer{}, false
	}
	for _, vs := range d.VirtualServers {
		if !sameService(vs, act.Service) {
			continue
		}
		for i, r := range vs.Reals {
			if a, err := netip.ParseAddr(r.Addr); err == nil && netip.AddrPortFrom(a, r.Port) == act.Real {
				vs.Reals = append([]status.RealServer(nil), vs.Reals...)
				vs.Reals[i].Healthy = act.Kind == ipvs.NotifyUp
				return vs, vs.Reals[i], true
			}
		}
	}
	return status.VirtualServer{}, status.RealServer{}, false
}

// findService finds the snapshot's virtual server with ipvs key key.
func findService(d status.Daemon, key string) (status.VirtualServer, bool) {
	for _, vs := range d.VirtualServers {
		if sameService(vs, key) {
			return vs, true
		}
	}
	return status.VirtualServer{}, false
}

// sameService matches a snapshot's virtual server with an ipvs key
// (ipvs.VirtualServer.Key: "ADDR:PORT/PROTO", "fwmark N/FAMILY",
// "group NAME/PROTO").
func sameService(vs status.VirtualServer, key string) bool {
	switch {
	case vs.Fwmark != 0:
		return strings.HasPrefix(key, fmt.Sprintf("fwmark %d/", vs.Fwmark))
	case vs.Addr != "":
		a, err := netip.ParseAddr(vs.Addr)
		return err == nil && key == netip.AddrPortFrom(a, vs.Port).String()+"/"+vs.Protocol
	}
	name, ok := strings.CutPrefix(vs.Key, vs.Protocol+" group ")
	return ok && key == "group "+name+"/"+vs.Protocol
}
