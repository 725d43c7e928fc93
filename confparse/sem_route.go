package confparse

import (
	"github.com/govrrpd/govrrpd/iproute"
	"github.com/govrrpd/govrrpd/vrrp"
)

// routeEntry reads one virtual_routes / static_routes entry with iproute's
// grammar, reporting its problems at the entry's line. Problems only the
// installer minds (iproute.Unsupported) are not keepalived's and stay
// unsaid here: internal/netconf refuses such a route when it installs it.
func routeEntry(a *analyzer, n *Node) (vrrp.Route, bool) {
	w := entryWords(n)
	rt, ps := iproute.ParseRoute(w)
	reportEntry(a, n, ps)
	r := vrrp.Route{Words: w, Type: rt.TypeName, Dst: rt.Dst, Src: rt.Src, Via: rt.Via, Dev: rt.Dev,
		Table: rt.Table, Metric: rt.Metric, Scope: rt.ScopeName, Proto: rt.ProtoName, OnLink: rt.OnLink,
		NoTrack: rt.NoTrack, TrackGroup: rt.TrackGroup}
	for _, nh := range rt.Nexthops {
		if !r.Via.IsValid() {
			r.Via = nh.Via
		}
		if r.Dev == "" {
			r.Dev = nh.Dev
		}
	}
	for _, dev := range routeDevs(rt) {
		if !a.checkIf(n.Pos, dev, "WARNING - interface %s for VROUTE nexthop doesn't exist", dev) {
			return r, false // keepalived drops the route
		}
	}
	if ps.Skip() {
		return r, false
	}
	if rt.Dev == "" && !r.NoTrack { // a nexthop's dev is not the route's, for keepalived
		dst := r.Dst.String()
		if rt.Default {
			dst = "default" // as keepalived names it
		}
		a.warnf(n.Pos, "Warning - cannot track route %s with no interface specified, not tracking", dst)
		r.NoTrack = true
	}
	return r, true
}

// routeDevs is every interface a route names, its own and its nexthops'.
func routeDevs(rt iproute.Route) []string {
	var devs []string
	if rt.Dev != "" {
		devs = append(devs, rt.Dev)
	}
	for _, nh := range rt.Nexthops {
		if nh.Dev != "" {
			devs = append(devs, nh.Dev)
		}
	}
	return devs
}

// ruleEntry reads one virtual_rules / static_rules entry. A rule without a
// preference gets keepalived's automatic one, counting down from 16384.
func ruleEntry(a *analyzer, n *Node, ld *vrrpLoad) (vrrp.Rule, bool) {
	w := entryWords(n)
	ru, ps := iproute.ParseRule(w)
	reportEntry(a, n, ps)
	r := vrrp.Rule{Words: w, From: ru.From, To: ru.To, Table: max(ru.Table, 0), Preference: ru.Preference,
		IIF: ru.IIF, OIF: ru.OIF, FWMark: ru.FWMark, NoTrack: ru.NoTrack, TrackGroup: ru.TrackGroup}
	for _, dev := range []string{ru.IIF, ru.OIF} {
		if dev != "" && !a.checkIf(n.Pos, dev, "WARNING - interface %s for rule doesn't exist", dev) {
			return r, false // keepalived drops the rule
		}
	}
	if ps.Skip() {
		return r, false
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

// reportEntry says what keepalived says about a route or rule entry.
func reportEntry(a *analyzer, n *Node, ps iproute.Problems) {
	for _, p := range ps {
		if p.Level != iproute.Unsupported {
			a.warnf(n.Pos, "%s", p.Msg)
		}
	}
}
