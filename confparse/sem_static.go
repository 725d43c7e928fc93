package confparse

import (
	"net/netip"
	"slices"

	"github.com/govrrpd/govrrpd/vrrp"
)

// static_ipaddress, static_routes, static_rules, track_group, the rule
// entry syntax, and the root blocks govrrpd does not implement yet.

func init() {
	topLevel["static_ipaddress"] = func(a *analyzer, n *Node, c *Config) {
		ld := vrrpOf(a)
		for _, ch := range n.Children {
			if ad, ok := parseAddress(a, ch); ok {
				ld.checkTrackGroupRef(a, ch.Pos, &ad.TrackGroup)
				checkTrackable(a, ch.Pos, "address", ad.TrackGroup, ad.NoTrack, "-")
				c.StaticAddresses = append(c.StaticAddresses, ad)
			}
		}
	}
	topLevel["static_routes"] = func(a *analyzer, n *Node, c *Config) {
		ld := vrrpOf(a)
		for _, ch := range n.Children {
			if r, ok := parseRoute(a, ch); ok {
				ld.checkTrackGroupRef(a, ch.Pos, &r.TrackGroup)
				checkTrackable(a, ch.Pos, "route", r.TrackGroup, r.NoTrack, r.Dev)
				c.StaticRoutes = append(c.StaticRoutes, r)
			}
		}
	}
	topLevel["static_rules"] = func(a *analyzer, n *Node, c *Config) {
		ld := vrrpOf(a)
		for _, ch := range n.Children {
			if r, ok := parseRule(a, ch, ld); ok {
				ld.checkTrackGroupRef(a, ch.Pos, &r.TrackGroup)
				checkTrackable(a, ch.Pos, "rule", r.TrackGroup, r.NoTrack, r.IIF)
				c.StaticRules = append(c.StaticRules, r)
			}
		}
	}
	topLevel["track_group"] = trackGroup
	for _, k := range []string{"garp_group", "linkbeat_interfaces", "interface_up_down_delays", "bfd_instance"} {
		topLevel[k] = notYet[*Config]
	}
}

func trackGroup(a *analyzer, n *Node, c *Config) {
	vrrpOf(a)
	name, ok := a.arg(n, 0)
	if !ok {
		return
	}
	for _, g := range c.TrackGroups {
		if g.Name == name {
			a.warnf(n.Pos, "track_group %s already defined", name)
			return
		}
	}
	tg := TrackGroup{Name: name}
	vrrpOf(a).trackGroupPos[name] = n.Pos
	for _, ch := range n.Children {
		if ch.Key != "group" {
			dispatch(a, ch, table[*Config]{}, c, "track_group "+name)
			continue
		}
		for _, m := range ch.Children {
			tg.Members = append(tg.Members, entryWords(m)...)
		}
	}
	c.TrackGroups = append(c.TrackGroups, tg)
}

// checkTrackGroupRef drops a reference to a track_group not yet defined:
// keepalived looks the group up while parsing the static entry.
func (ld *vrrpLoad) checkTrackGroupRef(a *analyzer, p Pos, name *string) {
	if *name == "" {
		return
	}
	for _, g := range a.cfg.TrackGroups {
		if g.Name == *name {
			return
		}
	}
	a.warnf(p, "track_group %s not found", *name)
	*name = ""
}

// checkTrackable says when a track_group cannot fault anything. keepalived
// has the members track the entry's interface (an address's, a route's
// dev, a rule's iif): an entry without one, or with no_track, is put in
// place but never tracked, silently in keepalived; govrrpd tells the
// operator, at Info so -t's exit status stays keepalived's. dev "-" means
// the entry always has an interface.
func checkTrackable(a *analyzer, p Pos, kind, group string, noTrack bool, dev string) {
	switch {
	case group == "":
	case dev == "":
		iface := "dev"
		if kind == "rule" {
			iface = "iif"
		}
		a.infof(p, "static %s with track_group %s has no %s: its loss cannot fault the group's instances", kind, group, iface)
	case noTrack:
		a.infof(p, "Static %s has both track_group and no_track set - not tracking", kind)
	}
}

// checkTrackGroups runs at finish, because group members may be instances
// defined later. Each member learns the groups it is in, which become
// weight-0 trackers of its machine.
func (ld *vrrpLoad) checkTrackGroups(a *analyzer) {
	c := a.cfg
	for gi := range c.TrackGroups {
		g := &c.TrackGroups[gi]
		kept := g.Members[:0]
		for _, m := range g.Members {
			if ld.inst(m) == nil {
				a.warnf(ld.trackGroupPos[g.Name], "track_group %s: virtual router %s doesn't exist - ignoring", g.Name, m)
				continue
			}
			kept = append(kept, m)
			if b := ld.inst(m); !slices.Contains(b.TrackGroups, g.Name) {
				b.TrackGroups = append(b.TrackGroups, g.Name)
			}
		}
		g.Members = kept
	}
}

// ruleValueOpts take one value and are kept in Words for the rule
// installer without a typed field.
var ruleValueOpts = map[string]bool{"tos": true, "dsfield": true, "uidrange": true, "sport": true,
	"dport": true, "ipproto": true, "goto": true, "suppress_prefixlength": true, "suppress_ifgroup": true,
	"realms": true, "protocol": true}

// parseRule reads one virtual_rules / static_rules entry. A rule without a
// preference gets keepalived's automatic one, counting down from 16384.
func parseRule(a *analyzer, n *Node, ld *vrrpLoad) (vrrp.Rule, bool) {
	w := entryWords(n)
	r := vrrp.Rule{Words: w, Preference: -1}
	for i := 0; i < len(w); i++ {
		opt := w[i]
		next := func() (string, bool) {
			if i+1 >= len(w) {
				a.warnf(n.Pos, "rule option %s needs a value", opt)
				return "", false
			}
			i++
			return w[i], true
		}
		switch {
		case opt == "from" || opt == "to":
			v, ok := next()
			if !ok {
				return r, false
			}
			p, ok := rulePrefix(v)
			if !ok {
				a.warnf(n.Pos, "VRRP parsed invalid IP %s. skipping IP...", v)
				a.warnf(n.Pos, "Invalid rule %s address %s", opt, v)
				return r, false
			}
			if opt == "from" {
				r.From = p
			} else {
				r.To = p
			}
		case opt == "table" || opt == "lookup":
			if v, ok := next(); ok {
				if r.Table, ok = routeTable(v); !ok {
					a.warnf(n.Pos, "Routing table %s not found for rule", v)
				}
			}
		case opt == "preference" || opt == "priority" || opt == "order" || opt == "pref" || opt == "prio":
			if v, ok := next(); ok {
				if r.Preference, ok = atoiRange(v, 0, 1<<32-1); !ok {
					a.warnf(n.Pos, "Invalid rule preference %s", v)
					r.Preference = -1
				}
			}
		case opt == "iif" || opt == "iifname":
			if v, ok := next(); ok {
				r.IIF = v
				a.checkIf(n.Pos, v, "WARNING - interface %s for rule doesn't exist", v)
			}
		case opt == "oif" || opt == "oifname":
			if v, ok := next(); ok {
				r.OIF = v
				a.checkIf(n.Pos, v, "WARNING - interface %s for rule doesn't exist", v)
			}
		case opt == "fwmark":
			if v, ok := next(); ok {
				r.FWMark = v
			}
		case opt == "no_track":
			r.NoTrack = true
		case opt == "track_group":
			if v, ok := next(); ok {
				r.TrackGroup = v
			}
		case opt == "not" || opt == "l3mdev" || opt == "inet" || opt == "inet6":
		case ruleValueOpts[opt]:
			next()
		default:
			a.warnf(n.Pos, "Unknown rule option %s", opt)
		}
	}
	if r.Preference < 0 {
		if ld.nextRulePref == 0 {
			ld.nextRulePref = 16384
		}
		r.Preference = ld.nextRulePref
		ld.nextRulePref--
		a.warnf(n.Pos, "Rule has no preference specified - setting to %d. This is probably not what you want.", r.Preference)
	}
	return r, true
}

// rulePrefix reads a rule address: a prefix, a bare address, or "all".
func rulePrefix(s string) (netip.Prefix, bool) {
	if s == "all" || s == "default" {
		return netip.Prefix{}, true
	}
	return parsePrefix(s)
}
