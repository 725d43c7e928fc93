package confparse

import (
	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// vrrp_sync_group: parsed when read, members resolved at finish because
// keepalived allows a group to name instances defined after it.

func syncGroup(a *analyzer, n *Node, c *Config) {
	ld := vrrpOf(a)
	if len(n.Args) != 1 {
		a.warnf(n.Pos, "vrrp_sync_group must have a name - skipping")
		return
	}
	name := n.Args[0].Text
	for _, g := range ld.groups {
		if g.Name == name {
			a.warnf(n.Pos, "vrrp sync group %s already defined", name)
			return
		}
	}
	g := &groupB{pos: n.Pos}
	g.Name, g.Source = name, n.Pos.src()
	children(a, n, groupTable, g, "vrrp_sync_group "+name)
	ld.groups = append(ld.groups, g)
}

type gb = handler[*groupB]

var groupTable = table[*groupB]{
	"group": func(a *analyzer, n *Node, g *groupB) {
		if g.hasGroup {
			a.warnf(n.Pos, "Group list already specified for sync group %s", g.Name)
			return
		}
		g.hasGroup = true
		for _, m := range n.Children {
			g.Members = append(g.Members, entryWords(m)...)
		}
	},
	"track_interface": func(a *analyzer, n *Node, g *groupB) { g.TrackInterfaces = trackIfs(a, n, g.Name, g.TrackInterfaces) },
	"track_script": func(a *analyzer, n *Node, g *groupB) {
		g.TrackScripts = trackRefs(a, n, g.Name, g.TrackScripts, refScript)
	},
	"track_file": func(a *analyzer, n *Node, g *groupB) { g.TrackFiles = trackRefs(a, n, g.Name, g.TrackFiles, refFile) },
	"track_process": func(a *analyzer, n *Node, g *groupB) {
		g.TrackProcesses = trackRefs(a, n, g.Name, g.TrackProcesses, refProcess)
	},
	"notify_master": groupNotify(func(x *vrrp.Notify) *script.Spec { return &x.Master }),
	"notify_backup": groupNotify(func(x *vrrp.Notify) *script.Spec { return &x.Backup }),
	"notify_fault":  groupNotify(func(x *vrrp.Notify) *script.Spec { return &x.Fault }),
	"notify_stop":   groupNotify(func(x *vrrp.Notify) *script.Spec { return &x.Stop }),
	"notify":        groupNotify(func(x *vrrp.Notify) *script.Spec { return &x.Generic }),
	"smtp_alert": func(a *analyzer, n *Node, g *groupB) {
		if v, ok := a.boolArg(n, 0); ok {
			g.SMTPAlert = v
		}
	},
	"notify_priority_changes": func(a *analyzer, n *Node, g *groupB) {
		if v, ok := a.boolArg(n, 0); ok {
			g.NotifyPriorityChanges = v
		}
	},
	"sync_group_tracking_weight": func(a *analyzer, n *Node, g *groupB) { g.TrackingWeight = true },
	"global_tracking": func(a *analyzer, n *Node, g *groupB) {
		a.warnf(n.Pos, "(%s) global_tracking is deprecated. Use track_interface/script/file on the sync group", g.Name)
		g.TrackingWeight = true
	},
}

func groupNotify(f func(*vrrp.Notify) *script.Spec) gb {
	return func(a *analyzer, n *Node, g *groupB) {
		dst := f(&g.Notify)
		if !dst.IsZero() {
			a.warnf(n.Pos, "vrrp group %s: %s script already specified - ignoring %s", g.Name, n.Key, argOr(n))
			return
		}
		if s, ok := a.script(n); ok {
			*dst = s
			vrrpOf(a).noteScript(n.Pos, dst)
		}
	}
}

func (ld *vrrpLoad) inst(name string) *instB {
	for _, b := range ld.insts {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// resolveGroups checks members and keeps the groups keepalived keeps.
func (ld *vrrpLoad) resolveGroups(a *analyzer) []vrrp.SyncGroup {
	owner := map[string]string{}
	var out []vrrp.SyncGroup
	for _, g := range ld.groups {
		var kept []string
		for _, m := range g.Members {
			if ld.inst(m) == nil {
				a.warnf(g.pos, "Virtual router %s specified in sync group %s doesn't exist - ignoring", m, g.Name)
				continue
			}
			if o, dup := owner[m]; dup {
				a.warnf(g.pos, "Virtual router %s cannot exist in more than one sync_group; it is already in %s - ignoring", m, o)
				continue
			}
			owner[m] = g.Name
			kept = append(kept, m)
		}
		g.Members = kept
		switch len(kept) {
		case 0:
			a.warnf(g.pos, "Sync group %s has no virtual router(s). removing", g.Name)
			continue
		case 1:
			a.warnf(g.pos, "Sync group %s has only 1 virtual router(s) - this probably isn't what you want", g.Name)
		}
		if !g.TrackingWeight {
			for _, m := range kept {
				ld.dropWeighted(a, ld.inst(m), "SYNC group")
			}
		}
		out = append(out, g.SyncGroup)
	}
	return out
}

// dropWeighted removes weighted trackers from an instance whose priority
// must not move: an address owner, or a sync-group member without
// sync_group_tracking_weight.
func (ld *vrrpLoad) dropWeighted(a *analyzer, b *instB, why string) {
	scriptWeight := func(name string) int {
		for _, s := range a.cfg.Scripts {
			if s.Name == name {
				return s.Weight
			}
		}
		return 0
	}
	fileWeight := func(name string) int {
		for _, f := range a.cfg.Files {
			if f.Name == name {
				return f.Weight
			}
		}
		return 0
	}
	procWeight := func(name string) int {
		for _, p := range a.cfg.Processes {
			if p.Name == name {
				return p.Weight
			}
		}
		return 0
	}
	b.TrackScripts = dropRefs(a, b, b.TrackScripts, "script", why, scriptWeight)
	if o := b.Opts; o != nil {
		o.TrackFiles = dropRefs(a, b, o.TrackFiles, "file", why, fileWeight)
		o.TrackProcesses = dropRefs(a, b, o.TrackProcesses, "process", why, procWeight)
	}
	kept := b.TrackInterfaces[:0]
	for _, t := range b.TrackInterfaces {
		if t.Weight != 0 {
			a.warnf(b.pos, "(%s) ignoring tracked interface %s with weights due to %s", b.Name, t.Name, why)
			continue
		}
		kept = append(kept, t)
	}
	b.TrackInterfaces = kept
}

func dropRefs(a *analyzer, b *instB, refs []vrrp.TrackRef, kind, why string, def func(string) int) []vrrp.TrackRef {
	kept := refs[:0]
	for _, r := range refs {
		w := def(r.Name)
		if r.WeightSet {
			w = r.Weight
		}
		if w != 0 {
			a.warnf(b.pos, "(%s) ignoring tracked %s %s with weights due to %s", b.Name, kind, r.Name, why)
			continue
		}
		kept = append(kept, r)
	}
	return kept
}
