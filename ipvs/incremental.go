package ipvs

import (
	"errors"
	"fmt"
	"syscall"
)

// ServiceReader is a backend that reads one service without listing the
// whole table (the kernel, Memory): LoadChanged reads only the services it
// changes, where the list of 10,000 is a netlink dump of seconds in the VM.
type ServiceReader interface {
	// Service reads the service at k; ok is false when the table has none.
	Service(k ServiceKey) (s Service, ok bool, err error)
}

// LoadChanged applies cfg when ch (Compare of the configuration last
// loaded and cfg) says what differs: only the virtual servers added,
// changed or removed are expanded, read back from the table and diffed;
// the others keep their state and the record of what was applied to them.
// The table ends as Load(cfg) would leave it. It is a full Load at start,
// when the globals change, with ReadAll, after a load or a verdict that
// met an error, and when a service's record is missing: whenever the
// record of the last apply cannot be trusted.
func (r *Reconciler) LoadChanged(cfg Config, ch Changes) (Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.loaded || !r.clean || ch.Whole || r.ReadAll || len(r.cfg.Servers) == 0 {
		return r.load(cfg)
	}
	redo := make(map[string]bool, len(ch.Next)+len(ch.Gone))
	for _, i := range ch.Next {
		redo[cfg.Servers[i].Key()] = true
	}
	for _, n := range ch.Gone {
		redo[n] = true
	}
	// A service whose record a failed verdict dropped is read again, as
	// Load would; its virtual server is otherwise unchanged.
	var stale []ServiceKey
	for k, name := range r.owned {
		if r.last[k] == nil && !redo[name] {
			stale = append(stale, k)
		}
	}
	if len(ch.Next) == 0 && len(ch.Gone) == 0 && len(stale) == 0 {
		r.cfg = cfg
		return Report{}, nil
	}
	return r.loadChanged(cfg, ch, redo, stale)
}

// loadChanged expands the virtual servers in redo, reads their services
// old and new, and applies the difference.
func (r *Reconciler) loadChanged(cfg Config, ch Changes, redo map[string]bool, stale []ServiceKey) (Report, error) {
	var rep Report
	var errs []error
	groups := map[string]Group{}
	for _, g := range cfg.Groups {
		groups[g.Name] = g
	}
	// taken: a service an unchanged virtual server keeps.
	desired := Table{}
	taken := func(k ServiceKey) bool {
		name, ok := r.owned[k]
		return ok && !redo[name]
	}
	vss, keys := map[string]*vsState{}, map[string][]ServiceKey{}
	for _, i := range ch.Next {
		vs := cfg.Servers[i]
		st, acts := newVSState(vs, r.vs[vs.Key()], true)
		ks, err := st.addTo(desired, groups, taken)
		if err != nil {
			errs = append(errs, fmt.Errorf("ipvs %s (%s): %w", vs.Key(), vs.Source, err))
			continue
		}
		vss[vs.Key()], keys[vs.Key()] = st, ks
		rep.Actions = append(rep.Actions, acts...)
	}
	for _, k := range stale {
		e, err := r.vs[r.owned[k]].entry(k)
		if err != nil {
			errs = append(errs, fmt.Errorf("ipvs %s: %w", r.owned[k], err))
			continue
		}
		desired[k] = e
	}
	// What the table holds for every service touched: the changed virtual
	// servers' old and new ones.
	touched := make([]ServiceKey, 0, len(desired))
	for name := range redo {
		touched = append(touched, r.keys[name]...)
	}
	for k := range desired {
		if n, ok := r.owned[k]; !ok || !redo[n] {
			touched = append(touched, k)
		}
	}
	current, err := r.readOnly(touched)
	if err != nil {
		r.clean = false
		return rep, err
	}
	ops := Diff(desired, current, func(k ServiceKey) bool { _, o := r.owned[k]; return o })
	done, err := r.apply(ops)
	rep.Ops = done
	errs = append(errs, err)
	for name := range redo {
		for _, k := range r.keys[name] {
			delete(r.owned, k)
			delete(r.last, k)
		}
		delete(r.vs, name)
		delete(r.keys, name)
	}
	for k, e := range desired {
		r.last[k] = e
	}
	r.distrust(err)
	for name, st := range vss {
		r.vs[name], r.keys[name] = st, keys[name]
		for _, k := range keys[name] {
			r.owned[k] = name
		}
	}
	r.cfg = cfg
	err = errors.Join(errs...)
	r.clean = err == nil
	return rep, err
}

// readOnly reads the given services and their destinations: one at a time
// where the backend can, else from one listing of the table.
func (r *Reconciler) readOnly(keys []ServiceKey) (Table, error) {
	cur := make(Table, len(keys))
	sr, ok := r.b.(ServiceReader)
	if !ok {
		want := make(map[ServiceKey]bool, len(keys))
		for _, k := range keys {
			want[k] = true
		}
		return Read(r.b, func(k ServiceKey) bool { return want[k] })
	}
	for _, k := range keys {
		if _, done := cur[k]; done {
			continue
		}
		s, ok, err := sr.Service(k)
		if err != nil {
			return nil, fmt.Errorf("ipvs read service %s: %w", k, err)
		}
		if !ok {
			continue
		}
		if cur[k], err = readEntry(r.b, s); err != nil {
			return nil, err
		}
	}
	return cur, nil
}

// Service implements ServiceReader.
func (m *Memory) Service(k ServiceKey) (Service, bool, error) {
	e, ok := m.t[k]
	if !ok {
		return Service{}, false, nil
	}
	s := e.Service
	s.Flags |= FlagHashed
	return s, true, nil
}

// absent says a read found no such service.
func absent(err error) bool {
	return errors.Is(err, syscall.ESRCH) || errors.Is(err, syscall.ENOENT)
}
