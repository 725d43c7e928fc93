package vrrp

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=TrackKind,StaticKind -output=priority_string.go

import (
	"fmt"
	"strings"
)

// Effective priority is computed here from tracker results; the daemon does
// the probing (netlink, script runs, inotify, proc connector) and reports
// results as events, so the weight rules of keepalived (features.md §5,
// "Weight semantics") are testable without any of those.

// TrackKind is the kind of a tracked object.
type TrackKind uint8

const (
	TrackKindInterface TrackKind = iota + 1 // interface
	TrackKindScript                         // script
	TrackKindFile                           // file
	TrackKindProcess                        // process
	// TrackKindGroup is a track_group: down while a static entry carrying
	// the group's name is lost (its interface is down or gone).
	TrackKindGroup // track_group
	// TrackKindBFD is a track_bfd: a bfd_instance's session, down until
	// it first comes Up, as keepalived's bfd_up starts false.
	TrackKindBFD // bfd
)

// ParseTrackKind is the inverse of TrackKind.String.
func ParseTrackKind(s string) (TrackKind, bool) {
	for k := TrackKindInterface; k <= TrackKindBFD; k++ {
		if k.String() == s {
			return k, true
		}
	}
	return 0, false
}

// OwnerPriority is the priority of the address owner, which trackers never
// adjust and which skips the election at startup.
const OwnerPriority = 255

// Priority adjustments are clamped so a tracker can neither take a
// non-owner to 255 (it would claim address ownership) nor to 0 (it would
// look like a resignation).
const (
	minEffective = 1
	maxEffective = 254
	// fileFault is the track_file contribution at or below which the
	// instance goes FAULT.
	fileFault = -254
)

type tracked struct {
	kind    TrackKind
	name    string
	weight  int
	reverse bool
	known   bool // a result has been reported (or init_fail / init_file set one)
	up      bool
	value   int
}

// TrackerDefs are the tracker definitions an instance's track_* references
// resolve against.
type TrackerDefs struct {
	Scripts   map[string]ScriptTracker
	Files     map[string]FileTracker
	Processes map[string]ProcessTracker
	// BFDs are the bfd_instance weights track_bfd entries default to.
	BFDs map[string]BFDTracker
}

// BFDTracker is what VRRP knows of a bfd_instance: its name and the
// weight its `weight` keyword gives the track_bfd entries naming it.
type BFDTracker struct {
	Name    string
	Weight  int
	Reverse bool
}

// DefsFrom indexes tracker definitions by name.
func DefsFrom(scripts []ScriptTracker, files []FileTracker, procs []ProcessTracker, bfds ...BFDTracker) TrackerDefs {
	d := TrackerDefs{Scripts: map[string]ScriptTracker{}, Files: map[string]FileTracker{},
		Processes: map[string]ProcessTracker{}, BFDs: map[string]BFDTracker{}}
	for _, b := range bfds {
		d.BFDs[b.Name] = b
	}
	for _, s := range scripts {
		d.Scripts[s.Name] = s
	}
	for _, f := range files {
		d.Files[f.Name] = f
	}
	for _, p := range procs {
		d.Processes[p.Name] = p
	}
	return d
}

// Tracking holds the latest result of every tracker of one instance. A nil
// *Tracking is an instance without trackers: most of thousands have none.
type Tracking struct {
	items   []tracked
	ignored []string
}

// NewTracking resolves the instance's trackers, and those of its sync group
// (group may be nil), against defs; nil when there are none. Weighted trackers of a sync-group member
// are dropped unless the group has sync_group_tracking_weight, as keepalived
// does; Ignored lists them so the daemon can warn.
func NewTracking(inst *Instance, group *SyncGroup, defs TrackerDefs) (*Tracking, error) {
	t := &Tracking{}
	weighted := group == nil || group.TrackingWeight
	add := func(it tracked) {
		if it.weight != 0 && !weighted {
			t.ignored = append(t.ignored, it.kind.String()+" "+it.name)
			return
		}
		t.items = append(t.items, it)
	}
	opts := inst.Options()
	lists := []trackLists{{inst.TrackInterfaces, inst.TrackScripts, opts.TrackFiles, opts.TrackProcesses, opts.TrackBFDs}}
	if group != nil {
		lists = append(lists, trackLists{group.TrackInterfaces, group.TrackScripts, group.TrackFiles,
			group.TrackProcesses, group.TrackBFDs})
	}
	// keepalived has each member track the static entry's interface with
	// weight 0; one tracker per group stands for all of them, and starts up
	// as an interface does until the daemon says otherwise.
	for _, g := range opts.TrackGroups {
		add(tracked{kind: TrackKindGroup, name: g, known: true, up: true})
	}
	for _, l := range lists {
		for _, ti := range l.ifs {
			add(tracked{kind: TrackKindInterface, name: ti.Name, weight: ti.Weight, reverse: ti.Reverse, known: true, up: true})
		}
		for _, r := range l.scripts {
			def, ok := defs.Scripts[r.Name]
			if !ok {
				return nil, fmt.Errorf("vrrp %s: track_script %q is not defined", inst.Name, r.Name)
			}
			it := ref(TrackKindScript, r, def.Weight, def.Reverse)
			if def.InitFail {
				it.known, it.up = true, false
			}
			add(it)
		}
		for _, r := range l.files {
			def, ok := defs.Files[r.Name]
			if !ok {
				return nil, fmt.Errorf("vrrp %s: track_file %q is not defined", inst.Name, r.Name)
			}
			it := ref(TrackKindFile, r, def.Weight, def.Reverse)
			it.known, it.value = true, def.InitValue
			add(it)
		}
		for _, r := range l.procs {
			def, ok := defs.Processes[r.Name]
			if !ok {
				return nil, fmt.Errorf("vrrp %s: track_process %q is not defined", inst.Name, r.Name)
			}
			add(ref(TrackKindProcess, r, def.Weight, def.Reverse))
		}
		for _, r := range l.bfds {
			def, ok := defs.BFDs[r.Name]
			if !ok {
				return nil, fmt.Errorf("vrrp %s: track_bfd %q is not defined", inst.Name, r.Name)
			}
			it := ref(TrackKindBFD, r, def.Weight, def.Reverse)
			it.known, it.up = true, false
			add(it)
		}
	}
	if len(t.items) == 0 && len(t.ignored) == 0 {
		return nil, nil
	}
	return t, nil
}

// trackLists are the track_* blocks of an instance or a sync group.
type trackLists struct {
	ifs                   []TrackInterface
	scripts, files, procs []TrackRef
	bfds                  []TrackRef
}

func ref(kind TrackKind, r TrackRef, w int, rev bool) tracked {
	if r.WeightSet {
		w, rev = r.Weight, r.Reverse
	}
	return tracked{kind: kind, name: r.Name, weight: w, reverse: rev}
}

// Ignored names the weighted trackers dropped because of sync-group rules.
func (t *Tracking) Ignored() []string {
	if t == nil {
		return nil
	}
	return t.ignored
}

// Set records a result. It reports whether such a tracker exists; a result
// for several entries of the same name (instance and group) updates all.
func (t *Tracking) Set(kind TrackKind, name string, up bool, value int) bool {
	if t == nil {
		return false
	}
	found := false
	for i := range t.items {
		it := &t.items[i]
		if it.kind == kind && it.name == name {
			it.known, it.up, it.value = true, up, value
			found = true
		}
	}
	return found
}

// Pending reports whether a weight-0 tracker has not reported yet, which
// keeps keepalived's instance in INIT (a weighted one just adds nothing).
func (t *Tracking) Pending() bool {
	if t == nil {
		return false
	}
	for _, it := range t.items {
		if !it.known && it.weight == 0 {
			return true
		}
	}
	return false
}

// Effective applies the weight table to base. The owner (255) is never
// adjusted, but weight-0 failures still put it into FAULT.
func (t *Tracking) Effective(base uint8) (prio uint8, fault bool) {
	if t == nil {
		return base, false
	}
	sum := 0
	for _, it := range t.items {
		if !it.known {
			continue
		}
		adj, f := it.adjust()
		sum += adj
		fault = fault || f
	}
	if base == OwnerPriority {
		return base, fault
	}
	return clampPrio(int(base) + sum), fault
}

func clampPrio(p int) uint8 {
	return uint8(min(max(p, minEffective), maxEffective))
}

// adjust implements features.md §5: weight 0 means FAULT when the object is
// down (up, with reverse); a positive weight adds while up; a negative one
// subtracts while down; reverse swaps the sign and the condition's sense.
func (it tracked) adjust() (int, bool) {
	if it.kind == TrackKindFile {
		if it.weight == 0 {
			return 0, (it.value != 0) != it.reverse
		}
		adj := it.value * it.weight
		if it.reverse {
			adj = -adj
		}
		if adj <= fileFault {
			return 0, true
		}
		return min(adj, maxEffective-1), false
	}
	failing := !it.up
	if it.reverse {
		failing = it.up
	}
	switch {
	case it.weight == 0:
		return 0, failing
	case it.weight > 0 && it.up:
		if it.reverse {
			return -it.weight, false
		}
		return it.weight, false
	case it.weight < 0 && !it.up:
		if it.reverse {
			return -it.weight, false
		}
		return it.weight, false
	}
	return 0, false
}

// String lists the trackers and their results, for dumps and test failures.
func (t *Tracking) String() string {
	if t == nil {
		return ""
	}
	var b strings.Builder
	for i, it := range t.items {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s w=%d rev=%t known=%t up=%t v=%d", it.kind, it.name, it.weight, it.reverse,
			it.known, it.up, it.value)
	}
	return b.String()
}

// StaticKind says which static_* block an entry comes from.
type StaticKind uint8

const (
	StaticAddress StaticKind = iota + 1 // address
	StaticRoute                         // route
	StaticRule                          // rule
)

// StaticRef names one static entry by its block and its index there.
type StaticRef struct {
	Kind  StaticKind
	Index int
}

// GroupState is a track_group's state, reported to the members as
// TrackerUp(TrackKindGroup, Name, Up). Dev names an interface that is
// down when Up is false, for the log.
type GroupState struct {
	Name string
	Up   bool
	Dev  string
}

type staticEntry struct {
	ref   StaticRef
	dev   string
	group string
}

// StaticTrack keeps keepalived's static-entry rules (vrrp_static_track.c,
// vrrp_netlink.c) apart from netlink, so they are testable: the members of
// a track_group track, with weight 0, the interface of every static entry
// carrying the group (an address's device, a route's dev, a rule's iif;
// an entry without one is not tracked), and when an interface comes up
// the static addresses and routes on it are put back. An entry deleted
// while its interface is up is put back at once by the daemon and faults
// nothing; no_track entries are neither tracked nor put back.
type StaticTrack struct {
	entries  []staticEntry
	links    map[string]bool
	reported map[string]bool
}

// NewStaticTrack indexes the static entries; defDev is the interface an
// address without dev goes on.
func NewStaticTrack(addrs []Address, routes []Route, rules []Rule, defDev string) *StaticTrack {
	s := &StaticTrack{links: map[string]bool{}, reported: map[string]bool{}}
	add := func(kind StaticKind, i int, dev, group string, noTrack bool) {
		if !noTrack {
			s.entries = append(s.entries, staticEntry{ref: StaticRef{kind, i}, dev: dev, group: group})
		}
	}
	for i, a := range addrs {
		o := a.Options()
		dev := o.Dev
		if dev == "" {
			dev = defDev
		}
		add(StaticAddress, i, dev, o.TrackGroup, a.NoTrack)
	}
	for i, r := range routes {
		add(StaticRoute, i, r.Dev, r.TrackGroup, r.NoTrack)
	}
	for i, r := range rules {
		add(StaticRule, i, r.IIF, r.TrackGroup, r.NoTrack)
	}
	return s
}

// Restorable lists the entries to put back when someone deletes them.
func (s *StaticTrack) Restorable() []StaticRef {
	out := make([]StaticRef, 0, len(s.entries))
	for _, e := range s.entries {
		out = append(out, e.ref)
	}
	return out
}

// Seed records an interface's state at start without putting anything
// back: applyStatic has just installed every entry.
func (s *StaticTrack) Seed(dev string, up bool) { s.links[dev] = up }

// Link records an interface change (a deleted interface is down). It
// returns the entries to put back, which are those on an interface that
// came up, and the groups whose state changed since last reported.
func (s *StaticTrack) Link(dev string, up bool) (restore []StaticRef, changed []GroupState) {
	was := s.links[dev]
	s.links[dev] = up
	if up && !was {
		for _, e := range s.entries {
			if e.dev == dev && e.ref.Kind != StaticRule {
				restore = append(restore, e.ref)
			}
		}
	}
	for _, g := range s.groups() {
		st := s.state(g)
		if prev, ok := s.reported[g]; !ok || prev != st.Up {
			s.reported[g] = st.Up
			changed = append(changed, st)
		}
	}
	return restore, changed
}

// States gives every tracked group's current state and counts it as
// reported; the daemon sends them at start and after a reload, so new
// instances learn them.
func (s *StaticTrack) States() []GroupState {
	var out []GroupState
	for _, g := range s.groups() {
		st := s.state(g)
		s.reported[g] = st.Up
		out = append(out, st)
	}
	return out
}

// groups lists the tracked groups in order of first use.
func (s *StaticTrack) groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range s.entries {
		if e.group != "" && e.dev != "" && !seen[e.group] {
			seen[e.group] = true
			out = append(out, e.group)
		}
	}
	return out
}

func (s *StaticTrack) state(g string) GroupState {
	for _, e := range s.entries {
		if e.group == g && e.dev != "" && !s.links[e.dev] {
			return GroupState{Name: g, Up: false, Dev: e.dev}
		}
	}
	return GroupState{Name: g, Up: true}
}
