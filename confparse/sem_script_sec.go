package confparse

import (
	"slices"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// checkScripts is keepalived's check_vrrp_script_security, run once the
// file is read: every vrrp_script (tracked or not) and every notify script
// is resolved for the user that will run it; a vrrp_script that cannot
// run is removed from the configuration and from every instance and sync
// group tracking it, a notify script that cannot run is dropped, and a
// script found while enable_script_security is off is a SECURITY
// VIOLATION (exit 6). keepalived skips all of it when no instance exists
// or an interface is missing.
func (ld *vrrpLoad) checkScripts(a *analyzer) {
	g := a.cfg.Global
	if len(ld.insts) == 0 || ld.missingIf || a.opts.ElsewhereScripts {
		return
	}
	def, defOK := ld.defaultRunAs(a)
	var flags scriptFlags
	removed := map[string]bool{}
	kept := a.cfg.Scripts[:0]
	for _, s := range a.cfg.Scripts {
		p := ld.scriptDefPos(s)
		who, ok := scriptRunAs(s.Script, def, defOK)
		switch {
		case !ok && s.Script.User != "":
			a.warnf(p, "Unable to set uid/gid for script %s", s.Script.Raw)
		case !ok:
			a.warnf(p, "Unable to set default user for vrrp script %s - removing", s.Name)
		}
		if !ok {
			removed[s.Name] = true
			continue
		}
		f := a.checkProgram(s.Script.Argv[0], who, g.EnableScriptSecurity)
		flags |= f
		switch {
		case f&scInhibit != 0:
			a.warnf(p, "Disabling track script %s due to insecure", s.Name)
		case f&scNotFound != 0:
			a.warnf(p, "Disabling track script %s since not found/accessible", s.Name)
		case f&(scExecutable|scSystem) == 0:
			a.infof(p, "WARNING - script '%s' is not executable for uid:gid %d:%d - disabling.", s.Script.Argv[0], who.uid, who.gid)
		default:
			kept = append(kept, s)
			continue
		}
		removed[s.Name] = true
	}
	if len(kept) == 0 {
		kept = nil
	}
	a.cfg.Scripts = kept
	flags |= ld.checkNotifies(a, def, defOK)
	ld.dropTracked(removed)
	if !g.EnableScriptSecurity && flags&scIsScript != 0 {
		extra := ""
		if flags&scInsecure != 0 {
			extra = " There are insecure scripts."
		}
		a.securityf(ld.firstScriptPos(a), "SECURITY VIOLATION - scripts are being executed but script_security not enabled.%s", extra)
	}
}

// defaultRunAs is the user of a script that names none: script_user, else
// keepalived_script, else root — but under enable_script_security root is
// never assumed, and a script_user that does not exist fails them all.
func (ld *vrrpLoad) defaultRunAs(a *analyzer) (runAs, bool) {
	g := a.cfg.Global
	if g.ScriptUser != "" {
		who, err := lookupRunAs(g.ScriptUser, g.ScriptGroup)
		return who, err == nil
	}
	if userExists("keepalived_script") {
		who, err := lookupRunAs("keepalived_script", "")
		return who, err == nil
	}
	if g.EnableScriptSecurity {
		if ld.needsDefaultUser(a) {
			a.warnf(ld.firstScriptPos(a), "Unable to set default user keepalived_script for script")
		}
		return runAs{}, false
	}
	return runAs{}, true
}

// needsDefaultUser reports whether any script runs as the default user.
func (ld *vrrpLoad) needsDefaultUser(a *analyzer) bool {
	for _, s := range a.cfg.Scripts {
		if s.Script.User == "" {
			return true
		}
	}
	for _, u := range ld.scripts {
		if u.spec.User == "" {
			return true
		}
	}
	return false
}

// scriptRunAs is who runs s: its own user, else the default one.
func scriptRunAs(s script.Spec, def runAs, defOK bool) (runAs, bool) {
	if s.User == "" {
		return def, defOK
	}
	who, err := lookupRunAs(s.User, s.Group)
	return who, err == nil
}

// checkNotifies checks the notify scripts of instances and sync groups; one
// that cannot run is cleared, so it is never started.
func (ld *vrrpLoad) checkNotifies(a *analyzer, def runAs, defOK bool) scriptFlags {
	var flags scriptFlags
	for _, u := range ld.scripts {
		who, ok := scriptRunAs(*u.spec, def, defOK)
		if !ok {
			a.warnf(u.pos, "Failed to set default user for notify script %s - ignoring", u.spec.Raw)
			*u.spec = script.Spec{}
			continue
		}
		f := a.checkProgram(u.spec.Argv[0], who, a.cfg.Global.EnableScriptSecurity)
		flags |= f
		if f&(scInhibit|scNotFound) != 0 {
			a.infof(u.pos, "notify script %s cannot run (not found or insecure) - disabling", u.spec.Raw)
			*u.spec = script.Spec{}
		}
	}
	return flags
}

// dropTracked removes references to removed scripts from every instance
// and sync group, as keepalived frees their track_script entries.
func (ld *vrrpLoad) dropTracked(removed map[string]bool) {
	if len(removed) == 0 {
		return
	}
	drop := func(refs []vrrp.TrackRef) []vrrp.TrackRef {
		refs = slices.DeleteFunc(refs, func(r vrrp.TrackRef) bool { return removed[r.Name] })
		if len(refs) == 0 {
			return nil // as a file that never tracked them
		}
		return refs
	}
	for _, b := range ld.insts {
		b.TrackScripts = drop(b.TrackScripts)
	}
	for _, g := range ld.groups {
		g.TrackScripts = drop(g.TrackScripts)
	}
}

// scriptDefPos is the line of a vrrp_script's `script` keyword, or its
// block: what the operator has to fix.
func (ld *vrrpLoad) scriptDefPos(s vrrp.ScriptTracker) Pos {
	return ld.scriptPos[s.Name]
}

// firstScriptPos names the first script line of the file for the messages
// keepalived prints without a line.
func (ld *vrrpLoad) firstScriptPos(a *analyzer) Pos {
	var best Pos
	consider := func(p Pos) {
		if best.Line == 0 || p.File == best.File && p.Line < best.Line {
			best = p
		}
	}
	for _, s := range a.cfg.Scripts {
		consider(ld.scriptDefPos(s))
	}
	for _, u := range ld.scripts {
		consider(u.pos)
	}
	return best
}
