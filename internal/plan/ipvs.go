package plan

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/ipvs"
)

// VSKey names a virtual server as the API and `ctl drain` take it
// (status.VirtualServer.Key): "TCP 192.0.2.10:80", "UDP [2001:db8::1]:53",
// "FWM 7" ("FWM 7 inet6" for an IPv6 fwmark service), "TCP group NAME".
func VSKey(vs *ipvs.VirtualServer) string {
	switch {
	case vs.FWMark != 0 && vs.Family == 6:
		return fmt.Sprintf("FWM %d inet6", vs.FWMark)
	case vs.FWMark != 0:
		return fmt.Sprintf("FWM %d", vs.FWMark)
	case vs.Group != "":
		return fmt.Sprintf("%s group %s", vs.Protocol, vs.Group)
	}
	return fmt.Sprintf("%s %s", vs.Protocol, vs.Addr)
}

// RSKey names a real server (status.RealServer.Key): "192.0.2.21:80".
func RSKey(a netip.AddrPort) string { return a.String() }

// OpFor is one IPVS operation with the virtual server it belongs to.
type OpFor struct {
	VS string // VSKey
	Op ipvs.Op
}

// IPVSOps is what the reconciler would issue on a reload from old to new,
// computed by the reconciler itself: it applies old to an empty in-memory
// table (every real server in its initial health), then loads new, and
// reports the operations of that second load.
func IPVSOps(old, new *confparse.Config) ([]OpFor, error) {
	r := ipvs.NewReconciler(ipvs.NewMemory(), nil)
	// Errors here are the old file's own problems (a service the table
	// refuses); the reload would run against what did apply.
	r.Load(ipvs.Config{Globals: old.IPVS, Servers: old.VirtualServers, Groups: old.ServerGroups})
	rep, err := r.Load(ipvs.Config{Globals: new.IPVS, Servers: new.VirtualServers, Groups: new.ServerGroups})
	owner := map[ipvs.ServiceKey]string{}
	for _, cfg := range []*confparse.Config{old, new} {
		groups := map[string]ipvs.Group{}
		for _, g := range cfg.ServerGroups {
			groups[g.Name] = g
		}
		for i := range cfg.VirtualServers {
			ks, _ := ipvs.ServiceKeys(cfg.VirtualServers[i], groups)
			for _, k := range ks {
				owner[k] = VSKey(&cfg.VirtualServers[i])
			}
		}
	}
	out := make([]OpFor, 0, len(rep.Ops))
	for _, op := range rep.Ops {
		out = append(out, OpFor{VS: owner[op.Service.Key], Op: op})
	}
	return out, err
}

func (c *changes) virtualServers(old, new *confparse.Config) {
	olds := map[string]*ipvs.VirtualServer{}
	for i := range old.VirtualServers {
		olds[VSKey(&old.VirtualServers[i])] = &old.VirtualServers[i]
	}
	seen := map[string]bool{}
	for i := range new.VirtualServers {
		n := &new.VirtualServers[i]
		k := VSKey(n)
		seen[k] = true
		o, ok := olds[k]
		if !ok {
			c.add(status.Change{Kind: "virtual_server", Op: "add", Object: k, Detail: fmt.Sprintf("%d real servers", len(n.Reals))})
			continue
		}
		a, b := *o, *n
		a.Source, b.Source, a.Reals, b.Reals = n.Source, n.Source, nil, nil
		if d := fieldDiff(a, b); d != "" {
			c.add(status.Change{Kind: "virtual_server", Op: "change", Object: k, Detail: d})
		}
		keyed(k, "real_server", o.Reals, n.Reals, func(r ipvs.RealServer) string { return RSKey(r.Addr) },
			func(r ipvs.RealServer) ipvs.RealServer { r.Source = n.Source; return r }, c)
	}
	for i := range old.VirtualServers {
		if k := VSKey(&old.VirtualServers[i]); !seen[k] {
			seen[k] = true
			c.add(status.Change{Kind: "virtual_server", Op: "remove", Object: k})
		}
	}
}

// checkers diffs the checkers of real servers present in both files;
// those of added or removed real servers come and go with them.
func (c *changes) checkers(old, new *confparse.Config) {
	group := func(cfg *confparse.Config) map[check.Target][]*check.Checker {
		m := map[check.Target][]*check.Checker{}
		for _, ck := range cfg.Checkers {
			m[ck.Target] = append(m[ck.Target], ck)
		}
		return m
	}
	og, ng := group(old), group(new)
	vsOf := vsNames(new)
	for _, t := range sortedTargets(ng) {
		o, ok := og[t]
		if !ok {
			continue
		}
		parent := vsOf[t.Service] + " " + RSKey(t.Real)
		id := func(ck check.Checker) string { return string(ck.Kind) }
		var ov, nv []check.Checker
		for _, ck := range o {
			ov = append(ov, *ck)
		}
		for _, ck := range ng[t] {
			nv = append(nv, *ck)
		}
		keyed(parent, "checker", ov, nv, id, func(ck check.Checker) check.Checker { ck.Source = nv[0].Source; return ck }, c)
	}
}

// vsNames maps the checker's service name (ipvs.VirtualServer.Key) to the
// API's virtual server key.
func vsNames(cfg *confparse.Config) map[string]string {
	m := map[string]string{}
	for i := range cfg.VirtualServers {
		m[cfg.VirtualServers[i].Key()] = VSKey(&cfg.VirtualServers[i])
	}
	return m
}

func sortedTargets(m map[check.Target][]*check.Checker) []check.Target {
	ts := make([]check.Target, 0, len(m))
	for t := range m {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b check.Target) int {
		if a.Service != b.Service {
			if a.Service < b.Service {
				return -1
			}
			return 1
		}
		return a.Real.Compare(b.Real)
	})
	return ts
}

// attachOps hangs each operation on the change it carries out: a
// destination operation on its real server's change, a service operation
// on its virtual server's. An operation no configuration change explains
// (a real server the old file left out by health) gets a virtual server
// change of its own, so no operation goes unshown.
func (c *changes) attachOps(ops []OpFor) {
	for _, o := range ops {
		obj, parent, kind := o.VS, "", "virtual_server"
		if o.Op.Kind >= ipvs.AddDest {
			obj, parent, kind = RSKey(o.Op.Dest.Addr), o.VS, "real_server"
		}
		if i := c.find(kind, obj, parent); i >= 0 {
			c.list[i].Ops = append(c.list[i].Ops, o.Op.String())
			continue
		}
		if i := c.find("virtual_server", o.VS, ""); i >= 0 {
			c.list[i].Ops = append(c.list[i].Ops, o.Op.String())
			continue
		}
		c.add(status.Change{Kind: "virtual_server", Op: "change", Object: o.VS, Detail: "table differs from the configuration", Ops: []string{o.Op.String()}})
	}
}

func (c *changes) find(kind, obj, parent string) int {
	return slices.IndexFunc(c.list, func(ch status.Change) bool {
		return ch.Kind == kind && ch.Object == obj && ch.Parent == parent
	})
}
