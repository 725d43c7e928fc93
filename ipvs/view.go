package ipvs

import (
	"net/netip"
)

// Stats are the kernel's traffic counters of a service or destination
// (ipvsadm -Ln --stats / --rate).
type Stats struct {
	Conns, InPkts, OutPkts, InBytes, OutBytes uint64
	CPS, InPPS, OutPPS, InBPS, OutBPS         uint64
}

func (s *Stats) add(o Stats) {
	s.Conns += o.Conns
	s.InPkts += o.InPkts
	s.OutPkts += o.OutPkts
	s.InBytes += o.InBytes
	s.OutBytes += o.OutBytes
	s.CPS += o.CPS
	s.InPPS += o.InPPS
	s.OutPPS += o.OutPPS
	s.InBPS += o.InBPS
	s.OutBPS += o.OutBPS
}

// StatsReader is a backend that keeps traffic counters (the kernel; the
// in-memory table has none).
type StatsReader interface {
	// ServiceStats returns the counters of one service and of each of its
	// destinations.
	ServiceStats(Service) (Stats, map[netip.AddrPort]Stats, error)
}

// VSView is what the reconciler knows of one virtual server, for status
// output: its settings, quorum, each real server's weights and health, and
// the kernel's counters summed over the services it expands to.
type VSView struct {
	VS       VirtualServer
	QuorumUp bool
	Reals    []RealView
	Stats    Stats
}

// RealView is one real server of a VSView. Current is the weight the table
// holds for it now (0 when it is out of the table or drained).
type RealView struct {
	Addr       netip.AddrPort
	Configured int
	Current    int
	Alive      bool
	Drained    bool
	Stats      Stats
}

// View returns every configured virtual server in configuration order.
// With stats, it also reads the kernel's counters when the backend keeps
// them — after letting go of the reconciler, so that a scrape of a large
// table does not hold checker verdicts back; a read that fails leaves the
// counters at zero, because status output must not fail for a counter.
func (r *Reconciler) View(stats bool) []VSView {
	r.mu.Lock()
	sr, _ := r.b.(StatsReader)
	out := make([]VSView, 0, len(r.cfg.Servers))
	var svcs [][]Service // per view, its kernel services
	for _, vs := range r.cfg.Servers {
		st := r.vs[vs.Key()]
		if st == nil {
			continue // refused at Load
		}
		// vs, not st.vs: a virtual server LoadChanged left alone keeps
		// the state of an earlier load, whose positions may have moved.
		v := VSView{VS: vs, QuorumUp: st.quorumUp, Reals: make([]RealView, 0, len(st.vs.Reals))}
		for _, rs := range st.vs.Reals {
			s := st.rs[rs.Addr]
			cur := 0
			if s.alive && !st.sorryActive() {
				cur = s.eff()
			}
			v.Reals = append(v.Reals, RealView{Addr: rs.Addr, Configured: rs.Weight, Current: cur,
				Alive: s.alive, Drained: s.drained})
		}
		var ss []Service
		for _, k := range r.keys[vs.Key()] {
			if last := r.last[k]; last != nil {
				ss = append(ss, last.Service)
			}
		}
		out, svcs = append(out, v), append(svcs, ss)
	}
	r.mu.Unlock()
	if stats && sr != nil {
		for i := range out {
			r.addStats(sr, &out[i], svcs[i])
		}
	}
	return out
}

// addStats sums the counters of a virtual server's kernel services into
// v, and per real server.
func (r *Reconciler) addStats(sr StatsReader, v *VSView, svcs []Service) {
	per := map[netip.AddrPort]Stats{}
	for _, svc := range svcs {
		s, ds, err := sr.ServiceStats(svc)
		if err != nil {
			r.log.Debug("ipvs stats", "service", svc.Key.String(), "err", err)
			continue
		}
		v.Stats.add(s)
		for a, d := range ds {
			x := per[a]
			x.add(d)
			per[a] = x
		}
	}
	for i := range v.Reals {
		v.Reals[i].Stats = per[v.Reals[i].Addr]
	}
}

// Table reads the whole table through the reconciler, so that the read is
// serialised with its writes (the in-memory backend is not safe beside
// them).
func (r *Reconciler) Table() (Table, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Read(r.b, func(ServiceKey) bool { return true })
}
