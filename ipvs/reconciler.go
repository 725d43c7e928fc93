package ipvs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/netip"
	"slices"
	"sync"
)

// Config is what the reconciler needs from keepalived.conf.
type Config struct {
	Globals Globals
	Servers []VirtualServer
	Groups  []Group
}

// Report says what one reconciler call did: the table operations that
// succeeded and the scripts the daemon should now run.
type Report struct {
	Ops     []Op
	Actions []Action
}

// Reconciler keeps the kernel table equal to what the configuration and the
// health checkers call for, changing only what differs. It owns the
// services its configuration names and leaves every other service alone. It
// serializes all backend use, so it may be called from several goroutines.
type Reconciler struct {
	mu     sync.Mutex
	b      Backend
	log    *slog.Logger
	cfg    Config
	loaded bool
	vs     map[string]*vsState                    // by VirtualServer.Key()
	keys   map[string][]ServiceKey                // VirtualServer.Key() -> kernel services
	owned  map[ServiceKey]string                  // kernel service -> VirtualServer.Key()
	made   map[ServiceKey]bool                    // services govrrpd created
	added  map[ServiceKey]map[netip.AddrPort]bool // destinations govrrpd added to adopted services
	last   Table                                  // what the last successful apply left, per service
	stats  OpStats
	// clean: the last Load or LoadChanged expanded and applied everything
	// without an error, so the next LoadChanged may trust the record of
	// what it left and redo only what changed.
	clean bool

	// ReadAll makes every Load read the destinations of every configured
	// service, instead of trusting the services whose settings did not
	// change since the last apply.
	ReadAll bool
}

// NewReconciler returns a reconciler over b. Nothing is read or written
// until Load.
func NewReconciler(b Backend, log *slog.Logger) *Reconciler {
	if log == nil {
		log = slog.Default()
	}
	return &Reconciler{b: b, log: log, vs: map[string]*vsState{}, keys: map[string][]ServiceKey{},
		owned: map[ServiceKey]string{}, made: map[ServiceKey]bool{}, added: map[ServiceKey]map[netip.AddrPort]bool{}}
}

// Load applies a configuration: at start it adopts whatever the table
// already holds for the configured services (no flush unless lvs_flush), on
// reload it changes only what changed. Real servers that survive a reload
// keep their health. A virtual server that cannot be expressed is skipped
// and reported in the error; the others are still applied.
func (r *Reconciler) Load(cfg Config) (Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.load(cfg)
}

// load is Load with r.mu held: the whole configuration expanded, the
// kernel's service list read, and everything diffed.
func (r *Reconciler) load(cfg Config) (Report, error) {
	var rep Report
	var errs []error
	if !r.loaded && cfg.Globals.Flush {
		if err := r.flush(&rep); err != nil {
			return rep, err
		}
	}
	if t := cfg.Globals.Timeouts; t != (Timeouts{}) && t != r.cfg.Globals.Timeouts {
		if err := r.b.SetTimeouts(t); err != nil {
			r.stats.Errors++
			errs = append(errs, fmt.Errorf("ipvs lvs_timeouts: %w", err))
		}
	}
	pl := r.prepare(cfg)
	errs = append(errs, pl.errs...)
	rep.Actions = append(rep.Actions, pl.acts...)
	prev := r.owned
	current, err := r.readCurrent(pl.desired, prev)
	if err != nil {
		r.clean = false
		return rep, err
	}
	ops := Diff(pl.desired, current, func(k ServiceKey) bool { _, o := prev[k]; return o })
	done, err := r.apply(ops)
	rep.Ops = append(rep.Ops, done...)
	errs = append(errs, err)
	desired, vss, keys := pl.desired, pl.vss, pl.keys
	r.last = desired
	r.distrust(err)
	r.cfg, r.vs, r.keys, r.loaded = cfg, vss, keys, true
	r.owned = map[ServiceKey]string{}
	for name, ks := range keys {
		for _, k := range ks {
			r.owned[k] = name
		}
	}
	err = errors.Join(errs...)
	r.clean = err == nil
	return rep, err
}

// prepared is a configuration expanded against the reconciler's health
// state: the table it calls for, before anything is read or applied.
type prepared struct {
	desired Table
	vss     map[string]*vsState
	keys    map[string][]ServiceKey
	acts    []Action
	errs    []error
}

// prepare expands cfg; a virtual server that cannot be expressed is left
// out with its error. It changes nothing.
func (r *Reconciler) prepare(cfg Config) prepared {
	groups := map[string]Group{}
	for _, g := range cfg.Groups {
		groups[g.Name] = g
	}
	pl := prepared{desired: Table{}, vss: map[string]*vsState{}, keys: map[string][]ServiceKey{}}
	for _, vs := range cfg.Servers {
		st, acts := newVSState(vs, r.vs[vs.Key()], cfg.Globals.RSInitNotifies || r.loaded)
		ks, err := st.addTo(pl.desired, groups, nil)
		if err != nil {
			pl.errs = append(pl.errs, fmt.Errorf("ipvs %s (%s): %w", vs.Key(), vs.Source, err))
			continue
		}
		pl.vss[vs.Key()], pl.keys[vs.Key()] = st, ks
		pl.acts = append(pl.acts, acts...)
	}
	return pl
}

// Plan returns the operations Load(cfg) would issue now, from the same
// expansion, the same read of the table and the same diff, without
// applying any; services is which virtual server (VirtualServer.Key())
// each operation's service belongs to under cfg, or under the running
// configuration for a service cfg drops.
func (r *Reconciler) Plan(cfg Config) (ops []Op, services map[ServiceKey]string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pl := r.prepare(cfg)
	prev := r.owned
	if !r.loaded && cfg.Globals.Flush {
		svcs, err := r.b.Services()
		if err != nil {
			return nil, nil, fmt.Errorf("ipvs plan: %w", err)
		}
		for _, s := range svcs {
			ops = append(ops, Op{Kind: DelService, Service: s})
		}
		ops = append(ops, Diff(pl.desired, Table{}, nil)...)
	} else {
		current, err := r.readCurrent(pl.desired, prev)
		if err != nil {
			return nil, nil, err
		}
		ops = Diff(pl.desired, current, func(k ServiceKey) bool { _, o := prev[k]; return o })
	}
	services = map[ServiceKey]string{}
	for k, name := range prev {
		services[k] = name
	}
	for name, ks := range pl.keys {
		for _, k := range ks {
			services[k] = name
		}
	}
	return ops, services, errors.Join(pl.errs...)
}

// readCurrent reads the kernel's service list, and the destinations of the
// configured services whose desired state changed since the last apply. A
// service whose configuration did not change and whose kernel settings
// still match is taken as the last apply left it: a destination dump per
// service would make a one-line reload of a large table cost seconds, and
// keepalived does not restore hand-deleted entries on reload either. Set
// ReadAll to read everything.
func (r *Reconciler) readCurrent(desired Table, prev map[ServiceKey]string) (Table, error) {
	svcs, err := r.b.Services()
	if err != nil {
		return nil, fmt.Errorf("ipvs read services: %w", err)
	}
	cur := Table{}
	for _, s := range svcs {
		k := s.Key
		want, d := desired[k]
		if _, o := prev[k]; !d && !o {
			continue // not ours
		}
		if last := r.last[k]; d && !r.ReadAll && last != nil && last.Service.Equal(s) && sameDests(last, want) {
			cur[k] = last
			continue
		}
		if cur[k], err = readEntry(r.b, s); err != nil {
			return nil, err
		}
	}
	return cur, nil
}

// readEntry reads a service's destinations back.
func readEntry(b Backend, s Service) (*Entry, error) {
	ds, err := b.Dests(s)
	if err != nil {
		return nil, fmt.Errorf("ipvs read destinations of %s: %w", s.Key, err)
	}
	return entryOf(s, ds), nil
}

// entryOf is a service with the destinations read back for it.
func entryOf(s Service, ds []Dest) *Entry {
	e := &Entry{Service: s, Dests: make(map[netip.AddrPort]Dest, len(ds))}
	for _, d := range ds {
		e.Dests[d.Addr] = d
	}
	return e
}

func sameDests(a, b *Entry) bool {
	if len(a.Dests) != len(b.Dests) {
		return false
	}
	for k, d := range a.Dests {
		if b.Dests[k] != d {
			return false
		}
	}
	return true
}

// distrust drops from the last-applied record every service an operation
// failed on, so that the next Load reads it back from the kernel.
func (r *Reconciler) distrust(err error) {
	for _, k := range failedServices(err) {
		delete(r.last, k)
	}
}

// addTo expands the virtual server into desired, refusing a service that
// another virtual server already claims: one in desired, or one taken
// reports (nil: desired alone).
func (st *vsState) addTo(desired Table, groups map[string]Group, taken func(ServiceKey) bool) ([]ServiceKey, error) {
	ks, err := ServiceKeys(st.vs, groups)
	if err != nil {
		return nil, err
	}
	entries := make([]*Entry, 0, len(ks))
	for _, k := range ks {
		if _, dup := desired[k]; dup || taken != nil && taken(k) {
			return nil, fmt.Errorf("service %s defined twice", k)
		}
		e, err := st.entry(k)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	for i, k := range ks {
		desired[k] = entries[i]
	}
	return ks, nil
}

// apply runs ops and keeps the record of what govrrpd created, so that
// Release can take exactly that back out.
func (r *Reconciler) apply(ops []Op) ([]Op, error) {
	done, err := ApplyOps(r.b, ops)
	r.count(done, err)
	debug := r.log.Enabled(context.Background(), slog.LevelDebug)
	for _, op := range done {
		k := op.Service.Key
		switch op.Kind {
		case AddService:
			r.made[k] = true
		case DelService:
			delete(r.made, k)
			delete(r.added, k)
		case AddDest:
			if !r.made[k] {
				if r.added[k] == nil {
					r.added[k] = map[netip.AddrPort]bool{}
				}
				r.added[k][op.Dest.Addr] = true
			}
		case DelDest:
			delete(r.added[k], op.Dest.Addr)
		}
		if debug {
			r.log.Debug("ipvs", "op", op.String())
		}
	}
	return done, err
}

// flush is lvs_flush: every service goes, foreign or not.
func (r *Reconciler) flush(rep *Report) error {
	svcs, err := r.b.Services()
	if err != nil {
		return fmt.Errorf("ipvs flush: %w", err)
	}
	ops := make([]Op, 0, len(svcs))
	for _, s := range svcs {
		ops = append(ops, Op{Kind: DelService, Service: s})
	}
	done, err := r.apply(ops)
	rep.Ops = append(rep.Ops, done...)
	if err != nil {
		return fmt.Errorf("ipvs flush: %w", err)
	}
	return nil
}

// Release undoes what govrrpd did, for an exit without -I: the services it
// created are deleted, and the destinations it added to services that were
// already there are removed from them. With lvs_flush_on_stop the whole
// table is flushed instead. Destinations it changed or removed in adopted
// services are not restored: the original values are not known. Omega
// scripts come back as actions.
func (r *Reconciler) Release() (Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var rep Report
	for _, name := range slices.Sorted(maps.Keys(r.vs)) {
		rep.Actions = append(rep.Actions, r.vs[name].omega()...)
	}
	if r.cfg.Globals.FlushOnStop {
		return rep, r.flush(&rep)
	}
	var ops []Op
	made := Table{}
	for k := range r.made {
		made[k] = &Entry{Service: Service{Key: k}}
	}
	for _, k := range made.Keys() {
		ops = append(ops, Op{Kind: DelService, Service: Service{Key: k}})
	}
	adopted := Table{}
	for k := range r.added {
		adopted[k] = &Entry{Service: Service{Key: k}}
	}
	for _, k := range adopted.Keys() {
		for _, a := range slices.SortedFunc(maps.Keys(r.added[k]), netip.AddrPort.Compare) {
			ops = append(ops, Op{Kind: DelDest, Service: Service{Key: k}, Dest: Dest{Addr: a}})
		}
	}
	done, err := r.apply(ops)
	rep.Ops = done
	return rep, err
}
