package daemon

import (
	"slices"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Each socket carries a kernel prefilter (vrrpnet.Filter) that drops the
// packets the receive checks would drop anyway — multicast with a TTL or
// hop limit other than 255, VRIDs no instance on the socket serves —
// before they cost a copy, a wake-up of the reader and an event for the
// loop. Under a flood of junk or TTL-64 adverts that per-packet cost was
// the daemon's CPU (#16). The VRID list follows the socket's instances:
// add and remove mark the socket, and the loop installs the new list
// before it next sleeps, so a reload's new instance hears its peers from
// the loop's next turn. Where the filter can count (eBPF), its drops are
// folded into the drop counts before anything reads them: a multicast
// advert with a TTL other than 255 on its instance (ip_ttl_err), one for
// a VRID nobody serves on the socket (vrid_err), as user space counted
// them before.

// refilter queues the socket for applyFilters.
func (s *socket) refilter() {
	if !s.stale && s.pending != nil {
		s.stale = true
		*s.pending = append(*s.pending, s)
	}
}

// applyFilters installs the VRID list of every socket whose instances
// changed. A socket the kernel refuses a filter keeps the one it had (or
// none): its packets are all judged in user space, as before, and the
// operator is told.
func (d *Daemon) applyFilters() {
	if len(d.refilter) == 0 {
		return
	}
	for _, s := range d.refilter {
		s.stale = false
		if d.socks[s.key] != s {
			continue // closed meanwhile
		}
		vrids := s.vrids()
		if s.filter != nil && slices.Equal(vrids, s.filter) {
			continue
		}
		uncounted, err := s.t.SetFilter(vrids)
		if err != nil {
			d.log.Warn("kernel prefilter not installed: every protocol-112 packet on the interface reaches the daemon",
				"interface", s.key.ifname, "family", s.key.family, "err", err)
			continue
		}
		if uncounted != nil && s.filter == nil {
			d.log.Warn("kernel prefilter cannot count its drops: multicast adverts with TTL/hop limit ≠ 255 and adverts for VRIDs not served here are dropped uncounted (ip_ttl_err, vrid_err)",
				"interface", s.key.ifname, "family", s.key.family, "reason", uncounted.Error())
		}
		s.filter = vrids
	}
	clear(d.refilter)
	d.refilter = d.refilter[:0]
}

// vrids is the sorted set of VRIDs the socket's instances serve (never
// nil, so an empty set still counts as installed).
func (s *socket) vrids() []uint8 {
	out := make([]uint8, 0, len(s.insts))
	for _, in := range s.insts {
		out = append(out, in.cfg.VRID)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// foldKernelDrops adds what each socket's prefilter dropped since the
// last fold to the drop counts; the dumps, the snapshot and the metrics
// call it before they read them.
func (d *Daemon) foldKernelDrops() {
	var now vrrpnet.KernelDrops
	for _, s := range d.socks {
		if s.filter == nil || !s.t.KernelDrops(s.filter, &now) {
			continue
		}
		addDrops(&s.drops, vrrp.RxVRID.String(), now.Unserved-s.kseen.Unserved)
		s.kseen.Unserved = now.Unserved
		for _, v := range s.filter {
			n := now.TTL[v] - s.kseen.TTL[v]
			s.kseen.TTL[v] = now.TTL[v]
			if in := s.byVRID(v); in != nil {
				addDrops(&in.stats.drops, vrrp.RxTTL.String(), n)
			} else {
				addDrops(&s.drops, vrrp.RxTTL.String(), n)
			}
		}
	}
}

func addDrops(m *map[string]uint64, label string, n uint64) {
	if n == 0 {
		return
	}
	if *m == nil {
		*m = map[string]uint64{}
	}
	(*m)[label] += n
}
