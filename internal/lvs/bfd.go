package lvs

// BFD applies a BFD session's change to the BFD_CHECKs naming it. The
// latest state of every session is kept, so that checkers restarted by a
// reload start from it rather than from their initial state.
func (s *Subsystem) BFD(instance string, up bool) {
	if !s.started() {
		return
	}
	s.do(func() {
		if s.closing.Load() {
			return
		}
		if s.bfdUp == nil {
			s.bfdUp = map[string]bool{}
		}
		s.bfdUp[instance] = up
		s.mu.Lock()
		sc := s.sched
		s.mu.Unlock()
		if sc != nil {
			sc.BFD(instance, up)
		}
	})
}

// replayBFD gives freshly started checkers the sessions' latest states;
// it runs on the subsystem's goroutine.
func (s *Subsystem) replayBFD() {
	s.mu.Lock()
	sc := s.sched
	s.mu.Unlock()
	if sc == nil {
		return
	}
	for name, up := range s.bfdUp {
		sc.BFD(name, up)
	}
}
