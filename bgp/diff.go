package bgp

import (
	"net/netip"
	"slices"
)

// Diff is what a reload changes. Sessions and announcements it does not
// name stay as they are: a reload resets only what changed.
type Diff struct {
	// Restart is set when the speaker's own identity changed (AS, router
	// id, listener): every session has to start again.
	Restart bool
	// Neighbors added, removed (by address) and changed (the session is
	// reset with the new settings).
	AddNeighbors, ChangeNeighbors []Neighbor
	RemoveNeighbors               []netip.Addr
	// Announcements added, removed (by prefix) and changed (attributes or
	// conditions: re-announced or withdrawn as the new one says).
	AddAnnounces, ChangeAnnounces []Announce
	RemoveAnnounces               []netip.Prefix
}

// Empty says the reload changes nothing.
func (d Diff) Empty() bool {
	return !d.Restart && len(d.AddNeighbors)+len(d.ChangeNeighbors)+len(d.RemoveNeighbors)+
		len(d.AddAnnounces)+len(d.ChangeAnnounces)+len(d.RemoveAnnounces) == 0
}

// Compare returns what it takes to go from old to next.
func Compare(old, next *Config) Diff {
	var d Diff
	if old.LocalAS != next.LocalAS || old.RouterID != next.RouterID ||
		old.ListenPort != next.ListenPort || old.ListenAddress != next.ListenAddress {
		d.Restart = true
	}
	d.AddNeighbors, d.ChangeNeighbors, d.RemoveNeighbors = diffBy(old.Neighbors, next.Neighbors,
		func(n Neighbor) netip.Addr { return n.Address }, sameNeighbor)
	d.AddAnnounces, d.ChangeAnnounces, d.RemoveAnnounces = diffBy(old.Announces, next.Announces,
		func(a Announce) netip.Prefix { return a.Prefix }, sameAnnounce)
	return d
}

// diffBy matches old and next items by key.
func diffBy[T any, K comparable](old, next []T, key func(T) K, same func(a, b T) bool) (add, change []T, remove []K) {
	was := make(map[K]T, len(old))
	for _, o := range old {
		was[key(o)] = o
	}
	for _, n := range next {
		o, ok := was[key(n)]
		switch {
		case !ok:
			add = append(add, n)
		case !same(o, n):
			change = append(change, n)
		}
		delete(was, key(n))
	}
	for _, o := range old {
		if _, ok := was[key(o)]; ok {
			remove = append(remove, key(o))
		}
	}
	return add, change, remove
}

// sameNeighbor compares the session settings; the position is not one.
func sameNeighbor(a, b Neighbor) bool {
	a.Pos = b.Pos
	return a == b
}

func sameAnnounce(a, b Announce) bool {
	return a.Prefix == b.Prefix && slices.Equal(a.Communities, b.Communities) && a.MED == b.MED &&
		a.HasMED == b.HasMED && a.Prepend == b.Prepend &&
		slices.EqualFunc(a.Conditions, b.Conditions, func(x, y Condition) bool {
			x.Pos = y.Pos
			return x == y
		})
}
