package daemon

import "slices"

// Each socket carries a kernel prefilter (vrrpnet.Filter) that drops the
// packets the receive checks would drop anyway — multicast with a TTL or
// hop limit other than 255, VRIDs no instance on the socket serves —
// before they cost a copy, a wake-up of the reader and an event for the
// loop. Under a flood of junk or TTL-64 adverts that per-packet cost was
// the daemon's CPU (#16). The VRID list follows the socket's instances:
// add and remove mark the socket, and the loop installs the new list
// before it next sleeps, so a reload's new instance hears its peers from
// the loop's next turn.

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
		if err := s.t.SetFilter(vrids); err != nil {
			d.log.Warn("kernel prefilter not installed: every protocol-112 packet on the interface reaches the daemon",
				"interface", s.key.ifname, "family", s.key.family, "err", err)
			continue
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
