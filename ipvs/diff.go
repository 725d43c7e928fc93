package ipvs

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=OpKind -output=diff_string.go

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
)

// OpKind is one of the six netlink commands that change the IPVS table.
type OpKind uint8

const (
	AddService    OpKind = iota + 1 // add-service
	UpdateService                   // update-service
	DelService                      // del-service
	AddDest                         // add-dest
	UpdateDest                      // update-dest
	DelDest                         // del-dest
)

// Op is one change to the table. Dest is meaningful only for the
// destination kinds; Service always carries the full service so that a
// backend can address it.
type Op struct {
	Kind    OpKind
	Service Service
	Dest    Dest
}

func (o Op) String() string {
	switch o.Kind {
	case AddService, UpdateService:
		return fmt.Sprintf("%s %s sched=%s flags=%#x timeout=%d", o.Kind, o.Service.Key, o.Service.Scheduler, o.Service.Flags, o.Service.Timeout)
	case DelService:
		return fmt.Sprintf("%s %s", o.Kind, o.Service.Key)
	}
	return fmt.Sprintf("%s %s -> %s weight=%d %s", o.Kind, o.Service.Key, o.Dest.Addr, o.Dest.Weight, o.Dest.Method)
}

// Diff returns the shortest ordered list of operations that turns current
// into desired. Services present in current but not in desired are deleted
// only when owned reports that the configuration owned them: the table may
// hold services that other tools put there, and those are not ours to touch.
// Deleting a service takes its destinations with it, so no destination
// operations are emitted for it.
func Diff(desired, current Table, owned func(ServiceKey) bool) []Op {
	var ops []Op
	for _, k := range current.Keys() {
		if _, ok := desired[k]; !ok && owned != nil && owned(k) {
			ops = append(ops, Op{Kind: DelService, Service: current[k].Service})
		}
	}
	for _, k := range desired.Keys() {
		ops = diffEntry(ops, desired[k], current[k])
	}
	return ops
}

func diffEntry(ops []Op, want, have *Entry) []Op {
	svc := want.Service
	if have == nil {
		ops = append(ops, Op{Kind: AddService, Service: svc})
		for _, a := range slices.SortedFunc(maps.Keys(want.Dests), netip.AddrPort.Compare) {
			ops = append(ops, Op{Kind: AddDest, Service: svc, Dest: want.Dests[a]})
		}
		return ops
	}
	if !svc.Equal(have.Service) {
		ops = append(ops, Op{Kind: UpdateService, Service: svc})
	} else if sameDests(want, have) {
		// The common entry of a reload: nothing to order, so no sorting
		// of its destinations (a third of a no-op reload's time).
		return ops
	}
	for _, a := range slices.SortedFunc(maps.Keys(have.Dests), netip.AddrPort.Compare) {
		if _, ok := want.Dests[a]; !ok {
			ops = append(ops, Op{Kind: DelDest, Service: svc, Dest: have.Dests[a]})
		}
	}
	for _, a := range slices.SortedFunc(maps.Keys(want.Dests), netip.AddrPort.Compare) {
		d := want.Dests[a]
		old, ok := have.Dests[a]
		switch {
		case !ok:
			ops = append(ops, Op{Kind: AddDest, Service: svc, Dest: d})
		case old != d:
			ops = append(ops, Op{Kind: UpdateDest, Service: svc, Dest: d})
		}
	}
	return ops
}

// OpError is one operation the backend refused.
type OpError struct {
	Op  Op
	Err error
}

func (e OpError) Error() string { return fmt.Sprintf("ipvs %s: %v", e.Op, e.Err) }
func (e OpError) Unwrap() error { return e.Err }

// ApplyOps issues ops in order. A refused operation does not stop the rest,
// because one bad service must not keep the others down; but destination
// operations on a service whose creation failed are skipped, as they could
// only fail too. It returns the operations that succeeded and the joined
// errors of those that did not.
func ApplyOps(b Backend, ops []Op) ([]Op, error) {
	done := make([]Op, 0, len(ops))
	var errs []error
	failed := map[ServiceKey]bool{}
	for _, op := range ops {
		if op.Kind >= AddDest && failed[op.Service.Key] {
			continue
		}
		if err := b.Apply(op); err != nil {
			errs = append(errs, OpError{Op: op, Err: err})
			if op.Kind == AddService {
				failed[op.Service.Key] = true
			}
			continue
		}
		done = append(done, op)
	}
	return done, errors.Join(errs...)
}

// Backend is an IPVS table: the kernel's, or an in-memory one with the
// kernel's semantics for tests. Implementations need not be safe for
// concurrent use; the Reconciler serializes its calls.
type Backend interface {
	Services() ([]Service, error)
	Dests(Service) ([]Dest, error)
	Apply(Op) error
	SetTimeouts(Timeouts) error
}

// Read loads the services for which want returns true, with their
// destinations, into a Table. Reading only the services the configuration
// cares about keeps a reload cheap on a host with a large foreign table.
func Read(b Backend, want func(ServiceKey) bool) (Table, error) {
	svcs, err := b.Services()
	if err != nil {
		return nil, fmt.Errorf("ipvs read services: %w", err)
	}
	t := make(Table, len(svcs))
	for _, s := range svcs {
		if want != nil && !want(s.Key) {
			continue
		}
		e, err := readEntry(b, s)
		if err != nil {
			return nil, err
		}
		t[s.Key] = e
	}
	return t, nil
}
