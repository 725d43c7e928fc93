package confparse

import (
	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/script"
)

// Script security of the LVS side: keepalived's check_check_script_security,
// run once the file is read. Every MISC_CHECK program and every quorum and
// real-server notify script is resolved for the user that will run it;
// one that is found while enable_script_security is off is a SECURITY
// VIOLATION (exit 6), and under enable_script_security a script whose
// default user cannot be set is removed, as keepalived removes it.
//
// Unlike keepalived, a program that is missing or not executable is kept
// (the checker then fails at run time, and a notify script is logged as
// failing) rather than freed here.

func checkerScripts(a *analyzer) {
	c := a.cfg
	if len(c.VirtualServers) == 0 || a.opts.ElsewhereScripts {
		return
	}
	secure := c.Global.EnableScriptSecurity
	def, defOK := checkerDefaultUser(c)
	var flags scriptFlags
	var first Pos
	use := func(p Pos, s script.Spec) bool {
		who, ok := scriptRunAs(s, def, defOK)
		if !ok {
			return false
		}
		f := a.checkProgram(s.Argv[0], who, secure)
		// The message names the first such script in the file.
		if f&scIsScript != 0 && (first.Line == 0 || p.File == first.File && p.Line < first.Line) {
			first = p
		}
		flags |= f
		return true
	}
	kept := c.Checkers[:0]
	for _, ck := range c.Checkers {
		if ck.Kind == check.Misc && !use(posOf(ck.Source), ck.Misc().Path) {
			what := "default user"
			if ck.Misc().Path.User != "" {
				what = "user " + ck.Misc().Path.User
			}
			a.warnf(posOf(ck.Source), "Unable to set %s for misc script %s - removing", what, ck.Misc().Path.Raw)
			continue
		}
		kept = append(kept, ck)
	}
	c.Checkers = kept
	for i := range c.VirtualServers {
		vs := &c.VirtualServers[i]
		if o := vs.Opts; o != nil {
			checkerNotify(a, posOf(vs.Source), &o.QuorumUp, use)
			checkerNotify(a, posOf(vs.Source), &o.QuorumDown, use)
		}
		for j := range vs.Reals {
			if o := vs.Reals[j].Opts; o != nil {
				checkerNotify(a, posOf(vs.Reals[j].Source), &o.NotifyUp, use)
				checkerNotify(a, posOf(vs.Reals[j].Source), &o.NotifyDown, use)
			}
		}
	}
	if !secure && flags&scIsScript != 0 {
		extra := ""
		if flags&scInsecure != 0 {
			extra = " There are insecure scripts."
		}
		a.securityf(first, "SECURITY VIOLATION - check scripts are being executed but script_security not enabled.%s", extra)
	}
}

// checkerNotify checks one notify or quorum script; one whose user cannot
// be set is dropped, so it never runs.
func checkerNotify(a *analyzer, p Pos, s **script.Spec, use func(Pos, script.Spec) bool) {
	if *s == nil || len((*s).Argv) == 0 {
		return
	}
	if !use(p, **s) {
		a.warnf(p, "Unable to set default user for notify script %s - ignoring", (*s).Raw)
		*s = nil
	}
}

// checkerDefaultUser is the user of a checker script that names none:
// script_user, else keepalived_script, else root — but never root under
// enable_script_security.
func checkerDefaultUser(c *Config) (runAs, bool) {
	g := c.Global
	switch {
	case g.ScriptUser != "":
		who, err := lookupRunAs(g.ScriptUser, g.ScriptGroup)
		return who, err == nil
	case userExists("keepalived_script"):
		who, err := lookupRunAs("keepalived_script", "")
		return who, err == nil
	}
	return runAs{}, !g.EnableScriptSecurity
}
