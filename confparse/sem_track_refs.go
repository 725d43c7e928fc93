package confparse

import (
	"slices"

	"github.com/govrrpd/govrrpd/vrrp"
)

// References to trackers inside an instance or a sync group, read entry
// by entry as keepalived's alloc_track_if, alloc_track_script,
// vrrp_alloc_track_file and alloc_track_process read them (2.2.7 -t
// measured): NAME [weight W [reverse|noreverse]]. A second word other
// than weight, or weight without a value, drops the entry; a weight out
// of range keeps it with the tracker's own weight; ±254 becomes ±253 for
// interfaces and scripts; a name given twice is tracked once.

type refKind int

const (
	refScript refKind = iota
	refFile
	refProcess
	refInterface
)

// refWords is how keepalived names each kind in its messages: in "unknown
// track script option", in "weight without value specified for track
// script", and in "unknown track_script X weight option".
var refWords = [...]struct{ kind, block, plain string }{
	refScript:    {"script", "track_script", "track script"},
	refFile:      {"file", "track_file", "track file"},
	refProcess:   {"process", "track_process", "track process"},
	refInterface: {"interface", "track_interface", "track_interface"},
}

// trackTail is an entry's weight tail once read.
type trackTail struct {
	weight, rev      bool // a valid weight / a reverse word was read
	w                int
	reverse, dropped bool
}

// readTrackTail reads the words after an entry's name; owner names the
// instance or group in the messages.
func readTrackTail(a *analyzer, c *Node, owner string, kind refKind) trackTail {
	w, k, t := entryWords(c), refWords[kind], trackTail{}
	if len(w) < 2 {
		return t
	}
	if w[1] != "weight" {
		if kind == refInterface {
			a.warnf(c.Pos, "(%s) unknown track_interface %s option %s - ignoring", owner, w[0], w[1])
		} else {
			a.warnf(c.Pos, "(%s) unknown %s option %s - ignoring", owner, k.plain, w[1])
		}
		return trackTail{dropped: true}
	}
	if len(w) == 2 {
		a.warnf(c.Pos, "(%s) weight without value specified for %s %s - ignoring", owner, k.plain, w[0])
		return trackTail{dropped: true}
	}
	if v, ok := a.argInt(c, 1, -254, 254); !ok {
		switch kind {
		case refInterface:
			a.warnf(c.Pos, "(%s) weight %s for %s must be between [-253..253] inclusive. Ignoring...", owner, w[2], w[0])
			t.weight = true // keepalived tracks it with weight 0
		case refScript:
			a.warnf(c.Pos, "(%s) track script %s: weight must be between [-253..253] inclusive, ignoring...", owner, w[0])
		default:
			a.warnf(c.Pos, "(%s) weight for %s %s must be in [-254..254] inclusive. Ignoring...", owner, k.plain, w[0])
		}
	} else {
		t.weight, t.w = true, v
		if (v == 254 || v == -254) && (kind == refInterface || kind == refScript) {
			a.warnf(c.Pos, "(%s) weight for %s cannot be +/-254. Setting to +/-253", owner, w[0])
			t.w = v / 254 * 253
		}
	}
	if len(w) < 4 {
		return t
	}
	switch {
	case w[3] == "reverse":
		t.rev, t.reverse = true, true
	case w[3] == "noreverse" && kind != refInterface:
		t.rev = true
	default:
		a.warnf(c.Pos, "(%s) unknown %s %s weight option %s - ignoring", owner, k.block, w[0], w[3])
		t.dropped = kind == refFile
	}
	return t
}

// trackIfs reads track_interface entries.
func trackIfs(a *analyzer, n *Node, owner string, dst []vrrp.TrackInterface) []vrrp.TrackInterface {
	for _, c := range n.Children {
		if !a.checkIf(c.Pos, c.Key, "(%s) tracked interface %s doesn't exist", owner, c.Key) {
			continue // keepalived drops it
		}
		if slices.ContainsFunc(dst, func(t vrrp.TrackInterface) bool { return t.Name == c.Key }) {
			a.warnf(c.Pos, "(%s) duplicate track_interface %s - ignoring", owner, c.Key)
			continue
		}
		t := readTrackTail(a, c, owner, refInterface)
		if t.dropped {
			continue
		}
		dst = append(dst, vrrp.TrackInterface{Name: c.Key, Weight: t.w, Reverse: t.reverse})
	}
	return dst
}

// trackRefs reads a track_script / track_file / track_process block. The
// tracker must already be defined, as in keepalived, which looks it up
// while parsing.
func trackRefs(a *analyzer, n *Node, owner string, dst []vrrp.TrackRef, kind refKind) []vrrp.TrackRef {
	for _, c := range n.Children {
		def, found := a.trackerWeight(kind, c.Key)
		if !found {
			a.warnf(c.Pos, "(%s) track %s %s not found, ignoring...", owner, refWords[kind].kind, c.Key)
			continue
		}
		if slices.ContainsFunc(dst, func(r vrrp.TrackRef) bool { return r.Name == c.Key }) {
			a.warnf(c.Pos, "(%s) duplicate %s %s - ignoring", owner, refWords[kind].block, c.Key)
			continue
		}
		t := readTrackTail(a, c, owner, kind)
		if t.dropped {
			continue
		}
		r := vrrp.TrackRef{Name: c.Key, Weight: t.w, WeightSet: t.weight, Reverse: t.reverse}
		if !t.weight && t.rev {
			// A reverse word after a refused weight: the tracker's own
			// weight, turned as the entry says.
			r.Weight, r.WeightSet = def, true
		}
		dst = append(dst, r)
	}
	return dst
}

// trackerWeight is the weight of the defined tracker of that kind and name.
func (a *analyzer) trackerWeight(kind refKind, name string) (int, bool) {
	switch kind {
	case refScript:
		if i := slices.IndexFunc(a.cfg.Scripts, func(s vrrp.ScriptTracker) bool { return s.Name == name }); i >= 0 {
			return a.cfg.Scripts[i].Weight, true
		}
	case refFile:
		if i := slices.IndexFunc(a.cfg.Files, func(f vrrp.FileTracker) bool { return f.Name == name }); i >= 0 {
			return a.cfg.Files[i].Weight, true
		}
	case refProcess:
		if i := slices.IndexFunc(a.cfg.Processes, func(p vrrp.ProcessTracker) bool { return p.Name == name }); i >= 0 {
			return a.cfg.Processes[i].Weight, true
		}
	}
	return 0, false
}
