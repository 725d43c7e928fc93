package ipvs

import "errors"

// OpStats are the operations a Reconciler issued since it was made, so that
// an operator can see a reload's or a health flap's cost on the table, and
// a kernel that refuses changes, without reading the log.
type OpStats struct {
	// Ops counts issued operations by kind, refused ones included.
	Ops [DelDest + 1]uint64
	// Errors counts operations the backend refused, and lvs_timeouts
	// settings it did not take.
	Errors uint64
}

// Map returns the counts by OpKind name ("add-service", ...), leaving out
// kinds never issued.
func (s OpStats) Map() map[string]uint64 {
	m := map[string]uint64{}
	for k := AddService; k <= DelDest; k++ {
		if s.Ops[k] > 0 {
			m[k.String()] = s.Ops[k]
		}
	}
	return m
}

// Stats returns the operation counters. It is safe from any goroutine.
func (r *Reconciler) Stats() OpStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// count adds one apply's issued operations: those done, and those refused
// (each an OpError in err). Called with r.mu held.
func (r *Reconciler) count(done []Op, err error) {
	for _, op := range done {
		r.stats.Ops[op.Kind]++
	}
	for _, oe := range opErrors(err) {
		r.stats.Ops[oe.Op.Kind]++
		r.stats.Errors++
	}
}

// opErrors returns every OpError joined into err.
func opErrors(err error) []OpError {
	var out []OpError
	var walk func(error)
	walk = func(e error) {
		var oe OpError
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		} else if errors.As(e, &oe) {
			out = append(out, oe)
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}
