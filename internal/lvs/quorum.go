package lvs

// Quorums maps each virtual server's status key (Key) to whether it has
// quorum. It reads no kernel counters, so the BGP speaker can ask several
// times a second what Snapshot would answer with a netlink dump each time.
// It is safe from any goroutine; nil when no IPVS table is in use.
func (s *Subsystem) Quorums() map[string]bool {
	s.mu.Lock()
	rec := s.rec
	s.mu.Unlock()
	if rec == nil {
		return nil
	}
	views := rec.View(false)
	out := make(map[string]bool, len(views))
	for _, v := range views {
		out[Key(v.VS)] = v.QuorumUp
	}
	return out
}
