package confparse

import (
	"slices"
)

// static_ipaddress, static_routes, static_rules, track_group, the rule
// entry syntax, and the root blocks govrrpd does not implement yet.

func init() {
	topLevel["static_ipaddress"] = func(a *analyzer, n *Node, c *Config) {
		ld := vrrpOf(a)
		for _, ch := range n.Children {
			if ad, ok := parseAddress(a, ch, true); ok {
				tg := ad.Options().TrackGroup
				ld.checkTrackGroupRef(a, ch.Pos, &tg)
				checkTrackable(a, ch.Pos, "address", &tg, ad.NoTrack, "-")
				if tg != ad.Options().TrackGroup {
					ad.OptsRef().TrackGroup = tg // parseAddress made ad's own
				}
				c.StaticAddresses = append(c.StaticAddresses, ad)
			}
		}
	}
	topLevel["static_routes"] = func(a *analyzer, n *Node, c *Config) {
		ld := vrrpOf(a)
		for _, ch := range n.Children {
			if r, ok := routeEntry(a, ch); ok {
				ld.checkTrackGroupRef(a, ch.Pos, &r.TrackGroup)
				checkTrackable(a, ch.Pos, "route", &r.TrackGroup, r.NoTrack, r.Dev)
				c.StaticRoutes = append(c.StaticRoutes, r)
			}
		}
	}
	topLevel["static_rules"] = func(a *analyzer, n *Node, c *Config) {
		ld := vrrpOf(a)
		for _, ch := range n.Children {
			if r, ok := ruleEntry(a, ch, ld); ok {
				ld.checkTrackGroupRef(a, ch.Pos, &r.TrackGroup)
				checkTrackable(a, ch.Pos, "rule", &r.TrackGroup, r.NoTrack, r.IIF)
				c.StaticRules = append(c.StaticRules, r)
			}
		}
	}
	topLevel["track_group"] = trackGroup
	for _, k := range []string{"garp_group", "linkbeat_interfaces", "interface_up_down_delays"} {
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
// dev, a rule's iif): a route or rule without one loses its track_group
// with keepalived's warning; an entry with no_track is put in place but
// never tracked, silently in keepalived, so govrrpd tells the operator at
// Info, keeping -t's exit status keepalived's. dev "-" means the entry
// always has an interface (an address without dev is on the default one).
func checkTrackable(a *analyzer, p Pos, kind string, group *string, noTrack bool, dev string) {
	switch {
	case *group == "":
	case dev == "" && kind == "rule":
		a.warnf(p, "Static rule cannot have track_group if dev/iif not specified")
		*group = ""
	case dev == "":
		a.warnf(p, "Static route cannot have track group if no oif specified")
		*group = ""
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
				// keepalived logs it at LOG_INFO: -t still exits 0.
				a.infof(ld.trackGroupPos[g.Name], "vrrp instance %s specified in track group %s doesn't exist - ignoring", m, g.Name)
				continue
			}
			kept = append(kept, m)
			if b := ld.inst(m); !slices.Contains(b.Options().TrackGroups, g.Name) {
				b.OptsRef().TrackGroups = append(b.OptsRef().TrackGroups, g.Name)
			}
		}
		g.Members = kept
	}
}
