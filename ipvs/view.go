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
// them; a read that fails leaves the counters at zero, because status
// output must not fail for a counter.
func (r *Reconciler) View(stats bool) []VSView {
	r.mu.Lock()
	defer r.mu.Unlock()
	sr, _ := r.b.(StatsReader)
	out := make([]VSView, 0, len(r.cfg.Servers))
	for _, vs := range r.cfg.Servers {
		st := r.vs[vs.Key()]
		if st == nil {
			continue // refused at Load
		}
		v := VSView{VS: st.vs, QuorumUp: st.quorumUp, Reals: make([]RealView, 0, len(st.vs.Reals))}
		per := map[netip.AddrPort]Stats{}
		if stats && sr != nil {
			v.Stats = r.stats(sr, vs.Key(), per)
		}
		for _, rs := range st.vs.Reals {
			s := st.rs[rs.Addr]
			cur := 0
			if s.alive && !st.sorryActive() {
				cur = s.eff()
			}
			v.Reals = append(v.Reals, RealView{Addr: rs.Addr, Configured: rs.Weight, Current: cur,
				Alive: s.alive, Drained: s.drained, Stats: per[rs.Addr]})
		}
		out = append(out, v)
	}
	return out
}

// stats sums the counters of a virtual server's kernel services, and per
// destination into per.
func (r *Reconciler) stats(sr StatsReader, name string, per map[netip.AddrPort]Stats) Stats {
	var total Stats
	for _, k := range r.keys[name] {
		last := r.last[k]
		if last == nil {
			continue
		}
		s, ds, err := sr.ServiceStats(last.Service)
		if err != nil {
			r.log.Debug("ipvs stats", "service", k.String(), "err", err)
			continue
		}
		total.add(s)
		for a, d := range ds {
			x := per[a]
			x.add(d)
			per[a] = x
		}
	}
	return total
}

// Table reads the whole table through the reconciler, so that the read is
// serialised with its writes (the in-memory backend is not safe beside
// them).
func (r *Reconciler) Table() (Table, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Read(r.b, func(ServiceKey) bool { return true })
}
