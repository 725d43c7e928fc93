package ipvs

import (
	"reflect"
	"slices"

	"github.com/govrrpd/govrrpd/script"
)

// A reload of a large site usually changes one virtual server: a weight,
// a real server dropped. Expanding, reading back and diffing all 10,000 of
// them for it cost a quarter of a second on the host and seconds in the
// IPVS VM. Compare finds the virtual servers a reload changes, by value
// and ignoring where they are written (a line removed near the top moves
// every later file:line), so that LoadChanged touches only those.

// Changes is what a reload changes between two configurations, as Compare
// finds it.
type Changes struct {
	// Whole: the globals differ (timeouts, flushes, notifies at start),
	// which only a full Load applies.
	Whole bool
	// Next are the indexes in the new configuration's Servers of the
	// virtual servers added or changed, their group's entries included.
	Next []int
	// Gone are the keys (VirtualServer.Key()) of the running virtual
	// servers the new configuration no longer has.
	Gone []string
}

// Compare finds the virtual servers that differ between old and next in
// O(n): servers are paired by position while their identities (address,
// fwmark or group, protocol, family) agree, the rest by key. Two virtual
// servers with the same key in one configuration make it give up (Whole):
// pairing them would be a guess.
func Compare(old, next Config) Changes {
	if !sameGlobals(old.Globals, next.Globals) {
		return Changes{Whole: true}
	}
	regrouped := changedGroups(old.Groups, next.Groups)
	var ch Changes
	changed := func(i int) bool {
		v := &next.Servers[i]
		return v.Group != "" && regrouped[v.Group]
	}
	n := min(len(old.Servers), len(next.Servers))
	i := 0
	for ; i < n && sameIdentity(&old.Servers[i], &next.Servers[i]); i++ {
		if changed(i) || !SameVirtualServer(&old.Servers[i], &next.Servers[i]) {
			ch.Next = append(ch.Next, i)
		}
	}
	// The rest, past an insertion or a removal, by key.
	was := make(map[string]int, len(old.Servers)-i)
	oldKeys := make([]string, 0, len(old.Servers)-i)
	for j := i; j < len(old.Servers); j++ {
		k := old.Servers[j].Key()
		if _, dup := was[k]; dup {
			return Changes{Whole: true}
		}
		was[k] = j
		oldKeys = append(oldKeys, k)
	}
	seen := make(map[string]bool, len(next.Servers)-i)
	for j := i; j < len(next.Servers); j++ {
		k := next.Servers[j].Key()
		if seen[k] {
			return Changes{Whole: true}
		}
		seen[k] = true
		o, ok := was[k]
		if !ok || changed(j) || !SameVirtualServer(&old.Servers[o], &next.Servers[j]) {
			ch.Next = append(ch.Next, j)
		}
		delete(was, k)
	}
	for _, k := range oldKeys {
		if _, left := was[k]; left {
			ch.Gone = append(ch.Gone, k)
		}
	}
	return ch
}

// sameGlobals compares the IPVS globals, the sync daemon's by value.
func sameGlobals(a, b Globals) bool {
	sa, sb := a.SyncDaemon, b.SyncDaemon
	a.SyncDaemon, b.SyncDaemon = nil, nil
	if a != b || (sa == nil) != (sb == nil) {
		return false
	}
	return sa == nil || *sa == *sb
}

// changedGroups names the groups added, removed or whose entries changed.
func changedGroups(old, next []Group) map[string]bool {
	out := map[string]bool{}
	was := make(map[string][]GroupEntry, len(old))
	for _, g := range old {
		if _, dup := was[g.Name]; dup {
			out[g.Name] = true
		}
		was[g.Name] = g.Entries
	}
	seen := map[string]bool{}
	for _, g := range next {
		e, ok := was[g.Name]
		if !ok || seen[g.Name] || !slices.Equal(e, g.Entries) {
			out[g.Name] = true
		}
		seen[g.Name] = true
	}
	for name := range was {
		if !seen[name] {
			out[name] = true
		}
	}
	return out
}

// sameIdentity says two virtual servers have the same Key() without
// formatting it.
func sameIdentity(a, b *VirtualServer) bool {
	switch {
	case a.FWMark != 0 || b.FWMark != 0:
		return a.FWMark == b.FWMark && a.Family == b.Family
	case a.Group != "" || b.Group != "":
		return a.Group == b.Group && a.Protocol == b.Protocol
	}
	return a.Addr == b.Addr && a.Protocol == b.Protocol
}

// SameVirtualServer says a and b mean the same, wherever they are
// written: every setting, real server and option equal, Source
// positions aside. The common case (no options) compares without
// reflection.
func SameVirtualServer(a, b *VirtualServer) bool {
	if a.Addr != b.Addr || a.FWMark != b.FWMark || a.Group != b.Group || a.Family != b.Family ||
		a.Protocol != b.Protocol || a.Scheduler != b.Scheduler || a.Forwarding != b.Forwarding ||
		a.Persistence != b.Persistence || a.OPS != b.OPS ||
		a.DelayLoop != b.DelayLoop || a.ConnectTimeout != b.ConnectTimeout || a.Retry != b.Retry ||
		a.DelayBeforeRetry != b.DelayBeforeRetry || a.Warmup != b.Warmup || a.WarmupSet != b.WarmupSet ||
		a.InhibitOnFailure != b.InhibitOnFailure || a.Weight != b.Weight || a.Alpha != b.Alpha ||
		a.Omega != b.Omega || a.Quorum != b.Quorum || len(a.Reals) != len(b.Reals) {
		return false
	}
	for i := range a.Reals {
		if !sameReal(&a.Reals[i], &b.Reals[i]) {
			return false
		}
	}
	return sameVirtualOptions(a.Opts, b.Opts)
}

// sameReal compares real servers by value, Source aside.
func sameReal(a, b *RealServer) bool {
	return a.Addr == b.Addr && a.Weight == b.Weight && a.UThreshold == b.UThreshold &&
		a.LThreshold == b.LThreshold && samePtr(a.Forwarding, b.Forwarding) && samePtr(a.Inhibit, b.Inhibit) &&
		sameRealOptions(a.Opts, b.Opts)
}

// sameRealOptions compares without reflection: notify scripts on every
// real server of a large site are common enough.
func sameRealOptions(a, b *RealOptions) bool {
	if a == nil || b == nil {
		return a == b
	}
	return sameSpec(a.NotifyUp, b.NotifyUp) && sameSpec(a.NotifyDown, b.NotifyDown) && samePtr(a.Alpha, b.Alpha) &&
		a.Virtualhost == b.Virtualhost && samePtr(a.SMTPAlert, b.SMTPAlert) && a.SNMPName == b.SNMPName &&
		a.DelayLoop == b.DelayLoop && a.ConnectTimeout == b.ConnectTimeout && samePtr(a.Retry, b.Retry) &&
		samePtr(a.DelayBeforeRetry, b.DelayBeforeRetry) && samePtr(a.Warmup, b.Warmup)
}

func sameSpec(a, b *script.Spec) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Raw == b.Raw && slices.Equal(a.Argv, b.Argv) && a.User == b.User && a.Group == b.Group
}

func sameVirtualOptions(a, b *VirtualOptions) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := *a, *b
	if (x.Sorry == nil) != (y.Sorry == nil) || x.Sorry != nil && !sameReal(x.Sorry, y.Sorry) {
		return false
	}
	x.Sorry, y.Sorry = nil, nil
	return reflect.DeepEqual(x, y)
}

// samePtr compares two optional values.
func samePtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
