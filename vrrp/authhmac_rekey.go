package vrrp

// A reload that rotates keys (moves active_key, adds or retires a key)
// builds a new signer and verifier; carrying the sequence and the replay
// marks over keeps a reload from re-opening a window for adverts captured
// just before it.

// Resume continues prev's sequence.
func (s *HMACSigner) Resume(prev *HMACSigner) {
	if s != nil && prev != nil && seqAfter(prev.last, s.last) {
		s.last = prev.last
	}
}

// Resume takes over prev's replay marks for the senders both know.
func (v *HMACVerifier) Resume(prev *HMACVerifier) {
	if v == nil || prev == nil {
		return
	}
	for addr, st := range v.peers {
		if old := prev.peers[addr]; old != nil {
			*st = *old
		}
	}
	if !v.unicast && !prev.unicast {
		v.mcast, v.clock = prev.mcast, prev.clock
	}
}
