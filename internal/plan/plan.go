package plan

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/lvs"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/srcpos"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Key matches instances across a reload the way keepalived does: by VRID,
// address family and interface, not by name.
type Key struct {
	VRID   uint8
	Family vrrp.Family
	Iface  string
}

// KeyOf is an instance's reload identity.
func KeyOf(c *vrrp.Instance) Key { return Key{c.VRID, c.Family, c.Interface} }

// KeepsState says whether a matched instance keeps its state across the
// reload: only its name, priority, addresses, notify settings or auth_hmac
// keys changed.
// Any other change (timing, transport, election, routes) restarts it as a
// new instance, in BACKUP.
func KeepsState(old, new *vrrp.Instance) bool {
	a, b := *old, *new
	stripKept(&a)
	stripKept(&b)
	return reflect.DeepEqual(a, b)
}

// stripKept clears what a reload changes in place.
func stripKept(c *vrrp.Instance) {
	c.Source, c.Name = srcpos.Pos{}, ""
	c.VIPs = nil
	c.Priority = 0
	c.Notify = nil
	c.AuthHMAC = nil // key rotation needs no restart
	editOpts(c, func(o *vrrp.InstanceOptions) { o.ExcludedVIPs = nil })
}

// editOpts edits c's rarely given keywords in a copy of their own: c is a
// copy of an instance whose Opts it shares, and that one stays as it is.
func editOpts(c *vrrp.Instance, edit func(*vrrp.InstanceOptions)) {
	if c.Opts == nil {
		return
	}
	o := *c.Opts
	edit(&o)
	c.Opts = &o
	c.TrimOpts()
}

// Hash is the configuration hash the API reports: the SHA-256 of the
// canonical dump (`-d`), so that formatting, comments and include layout
// do not change it but every setting does.
func Hash(cfg *confparse.Config) string {
	h := sha256.New()
	confparse.Print(h, cfg)
	return hex.EncodeToString(h.Sum(nil))
}

// LVSPlan plans the IPVS and checker side of a reload: the virtual and
// real servers with the exact operations the reconciler would issue, and
// the checkers. The daemon passes its running LVS subsystem's
// (lvs.Subsystem.Plan, against the live table); offline it is
// lvs.PlanFrom (against the old file's desired table).
type LVSPlan func(old, new *confparse.Config) ([]status.Change, error)

// Offline is the LVS plan between two files.
func Offline(old, new *confparse.Config) ([]status.Change, error) { return lvs.PlanFrom(old, new) }

// Compute is the plan from old to new; lvsPlan nil means Offline.
func Compute(old, new *confparse.Config, lvsPlan LVSPlan) (status.Plan, error) {
	p := status.Plan{ConfigHash: Hash(new)}
	var c changes
	c.instances(old.Instances, new.Instances)
	c.addrs("static", "vip", old.StaticAddresses, new.StaticAddresses)
	c.routes("static", old.StaticRoutes, new.StaticRoutes)
	c.rules("static", old.StaticRules, new.StaticRules)
	if lvsPlan == nil {
		lvsPlan = Offline
	}
	ipvsChanges, err := lvsPlan(old, new)
	if err != nil {
		return p, fmt.Errorf("plan: %w", err)
	}
	c.list = append(c.list, ipvsChanges...)
	p.Changes = c.list
	slices.SortStableFunc(p.Changes, func(a, b status.Change) int {
		return cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind])
	})
	return p, nil
}

var kindOrder = map[string]int{"instance": 0, "vip": 1, "route": 2, "rule": 3, "virtual_server": 4, "real_server": 5, "checker": 6}

// changes accumulates the plan.
type changes struct{ list []status.Change }

func (c *changes) add(ch status.Change) { c.list = append(c.list, ch) }

func (c *changes) instances(old, new []vrrp.Instance) {
	byKey := map[Key]*vrrp.Instance{}
	for i := range old {
		byKey[KeyOf(&old[i])] = &old[i]
	}
	for i := range new {
		n := &new[i]
		o, ok := byKey[KeyOf(n)]
		if !ok {
			c.add(status.Change{Kind: "instance", Op: "add", Object: n.Name, Detail: describeKey(n)})
			continue
		}
		delete(byKey, KeyOf(n))
		a, b := *o, *n
		for _, x := range []*vrrp.Instance{&a, &b} {
			x.VIPs, x.Source = nil, srcpos.Pos{}
			editOpts(x, func(o *vrrp.InstanceOptions) { o.ExcludedVIPs, o.Routes, o.Rules = nil, nil, nil })
		}
		d, keeps := fieldDiff(a, b), KeepsState(o, n)
		if d == "" && !keeps {
			d = "virtual_routes or virtual_rules changed"
		}
		if !keeps {
			d += "; restarts in BACKUP"
		}
		if d != "" {
			c.add(status.Change{Kind: "instance", Op: "change", Object: n.Name, Detail: d, KeepsState: keeps})
		}
		c.addrs(n.Name, "vip", append(slices.Clone(o.VIPs), o.Options().ExcludedVIPs...), append(slices.Clone(n.VIPs), n.Options().ExcludedVIPs...))
		c.routes(n.Name, o.Options().Routes, n.Options().Routes)
		c.rules(n.Name, o.Options().Rules, n.Options().Rules)
	}
	for i := range old {
		if o := &old[i]; byKey[KeyOf(o)] == o {
			c.add(status.Change{Kind: "instance", Op: "remove", Object: o.Name, Detail: describeKey(o)})
		}
	}
}

func describeKey(c *vrrp.Instance) string {
	return fmt.Sprintf("vrid %d %s %s, %d VIPs", c.VRID, FamilyName(c.Family), c.Interface, len(c.VIPs)+len(c.Options().ExcludedVIPs))
}

// FamilyName is the API's name of an address family: "inet" or "inet6".
func FamilyName(f vrrp.Family) string {
	if f == vrrp.IPv6 {
		return "inet6"
	}
	return "inet"
}

// keyed diffs two lists by an identity: added, removed, and changed
// (same identity, other settings differ).
func keyed[T any](parent, kind string, old, new []T, id func(T) string, norm func(T) T, c *changes) {
	olds := map[string]T{}
	for _, o := range old {
		olds[id(o)] = o
	}
	seen := map[string]bool{}
	for _, n := range new {
		k := id(n)
		seen[k] = true
		o, ok := olds[k]
		switch {
		case !ok:
			c.add(status.Change{Kind: kind, Op: "add", Object: k, Parent: parent})
		default:
			if d := fieldDiff(norm(o), norm(n)); d != "" {
				c.add(status.Change{Kind: kind, Op: "change", Object: k, Parent: parent, Detail: d})
			}
		}
	}
	for _, o := range old {
		if k := id(o); !seen[k] {
			seen[k] = true
			c.add(status.Change{Kind: kind, Op: "remove", Object: k, Parent: parent})
		}
	}
}

func (c *changes) addrs(parent, kind string, old, new []vrrp.Address) {
	keyed(parent, kind, viewAddrs(old), viewAddrs(new), func(a addrView) string { return a.Prefix.String() },
		func(a addrView) addrView { return a }, c)
}

// addrView is an address entry with its keywords inline (vrrp.Address
// keeps the rare ones behind a pointer), so that a change names the
// keyword that changed ("dev eth0 → eth1"), not the pointer.
type addrView struct {
	Prefix     netip.Prefix
	Dev        string
	Label      string
	Brd        string
	Scope      string
	Peer       netip.Addr
	NoTrack    bool
	Preferred  string
	Flags      []string
	UseVMAC    bool
	TrackGroup string
}

func viewAddrs(as []vrrp.Address) []addrView {
	out := make([]addrView, len(as))
	for i := range as {
		a, o := &as[i], as[i].Options()
		out[i] = addrView{Prefix: a.Prefix, Dev: o.Dev, Label: o.Label, Brd: o.Brd, Scope: o.Scope, Peer: o.Peer,
			NoTrack: a.NoTrack, Preferred: o.Preferred, Flags: o.Flags, UseVMAC: a.UseVMAC, TrackGroup: o.TrackGroup}
	}
	return out
}

func (c *changes) routes(parent string, old, new []vrrp.Route) {
	keyed(parent, "route", old, new, func(r vrrp.Route) string {
		s := strings.TrimSpace(r.Type + " " + r.Dst.String())
		if r.Table != 0 {
			s += fmt.Sprintf(" table %d", r.Table)
		}
		return s
	}, func(r vrrp.Route) vrrp.Route { r.Words = nil; return r }, c)
}

func (c *changes) rules(parent string, old, new []vrrp.Rule) {
	keyed(parent, "rule", old, new, func(r vrrp.Rule) string { return strings.Join(r.Words, " ") },
		func(r vrrp.Rule) vrrp.Rule { return r }, c)
}
