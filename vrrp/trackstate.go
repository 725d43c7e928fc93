package vrrp

// TrackerState is one tracker's effect on its instance now: what an
// operator asks when the effective priority is not the configured one.
type TrackerState struct {
	Kind   TrackKind
	Name   string
	Weight int // as configured (a reverse tracker's sign is in Contribution)
	// Contribution is what the tracker adds to the priority now (negative
	// when it lowers it; 0 for an address owner, which trackers never
	// adjust); Fault is set while it holds the instance in FAULT.
	Contribution int
	Fault        bool
}

// Trackers lists the instance's trackers (its sync group's included) in
// configuration order, with their effect now; nil without any. It
// allocates, and is meant for snapshots, not for the advert path.
func (m *Machine) Trackers() []TrackerState {
	t := m.track
	if t == nil {
		return nil
	}
	out := make([]TrackerState, 0, len(t.items))
	for _, it := range t.items {
		s := TrackerState{Kind: it.kind, Name: it.name, Weight: it.weight}
		if it.known {
			s.Contribution, s.Fault = it.adjust()
		}
		if m.base == OwnerPriority {
			s.Contribution = 0
		}
		out = append(out, s)
	}
	return out
}
