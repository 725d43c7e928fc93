package confparse

import (
	"net"
	"os/user"
	"time"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Trackers (vrrp_script, vrrp_track_process, track_file), references to
// them, notify scripts, and keepalived's script-security check.

func init() {
	topLevel["vrrp_script"] = vrrpScript
	topLevel["vrrp_track_process"] = trackProcess
	topLevel["track_file"] = trackFile
	topLevel["vrrp_track_file"] = func(a *analyzer, n *Node, c *Config) {
		// keepalived logs this at LOG_INFO: -t still exits 0.
		a.infof(n.Pos, "\"vrrp_track_file\" is deprecated, please use \"track_file\"")
		trackFile(a, n, c)
	}
}

// Host lookups used by the script-security check; variables so tests can
// answer them.
var userExists = func(name string) bool { _, err := user.Lookup(name); return err == nil }

func hostInterfaceExists(name string) bool {
	_, err := net.InterfaceByName(name)
	return err == nil
}

// script parses a command keyword's arguments, and tells where keepalived
// before 2.3.2 (Debian 12's 2.2.7) would run something else; as Info,
// because both versions accept the line, so -t's status stays keepalived's.
func (a *analyzer) script(n *Node) (script.Spec, bool) {
	s, err := parseScript(n.Args)
	if msg := legacyScript(n.Args, s.Argv); msg != "" {
		a.infof(n.Pos, "%s: %s", n.Key, msg)
	}
	if err != nil {
		a.warnf(n.Pos, "%s: %v", n.Key, err)
		return script.Spec{}, false
	}
	return s, true
}

// scriptUse is a notify script of an instance or sync group, checked
// once the file is read; spec points into the instance being built so a
// script that cannot run can be cleared.
type scriptUse struct {
	pos  Pos
	spec *script.Spec
}

func (ld *vrrpLoad) noteScript(p Pos, s *script.Spec) {
	ld.scripts = append(ld.scripts, scriptUse{p, s})
}

func instNotify(f func(*vrrp.Notify) *script.Spec) ib {
	return func(a *analyzer, n *Node, b *instB) {
		dst := f(b.NotifyRef())
		if !dst.IsZero() {
			a.warnf(n.Pos, "(%s) %s script already specified - ignoring %s", b.Name, n.Key, argOr(n))
			return
		}
		if s, ok := a.script(n); ok {
			*dst = s
			vrrpOf(a).noteScript(n.Pos, dst)
		}
	}
}

func argOr(n *Node) string {
	if len(n.Args) == 0 {
		return ""
	}
	return n.Args[0].Text
}

func vrrpScript(a *analyzer, n *Node, c *Config) {
	vrrpOf(a)
	name, ok := a.arg(n, 0)
	if !ok {
		return
	}
	s := vrrp.ScriptTracker{Name: name, Source: n.Pos.String(), Interval: time.Second, Rise: 1, Fall: 1}
	timeoutSet := false
	usr, grp := "", ""
	for _, ch := range n.Children {
		if a.stopsBare(ch, "vrrp_script") {
			continue
		}
		switch ch.Key {
		case "script":
			if sp, ok := a.script(ch); ok {
				s.Script = sp
				vrrpOf(a).scriptPos[name] = ch.Pos
			}
		case "interval", "timeout":
			d, ok := a.argTimer(ch, 0, 0, 4294*time.Second)
			if !ok {
				continue
			}
			if d == 0 {
				a.warnf(ch.Pos, "(%s): vrrp script %s must be greater than 0, setting to 1", name, ch.Key)
				d = time.Second
			}
			if ch.Key == "interval" {
				s.Interval = d
			} else {
				s.Timeout, timeoutSet = d, true
			}
		case "weight":
			v, ok := a.argInt(ch, 0, -253, 253)
			if !ok {
				a.warnf(ch.Pos, "vrrp_script %s weight %s must be in [-253, 253]", name, argOr(ch))
				continue
			}
			s.Weight, s.Reverse = v, weightReverse(a, ch, "vrrp_script", name)
		case "rise", "fall":
			v, ok := a.argInt(ch, 0, 1, 1<<31-1)
			if !ok {
				continue
			}
			if ch.Key == "rise" {
				s.Rise = v
			} else {
				s.Fall = v
			}
		case "user":
			if u, ok := a.arg(ch, 0); ok {
				usr, grp = u, ""
				if len(ch.Args) > 1 {
					grp = ch.Args[1].Text
				}
			}
		case "init_fail":
			s.InitFail = true
		default:
			dispatch(a, ch, table[*Config]{}, c, "vrrp_script "+name)
		}
	}
	if !timeoutSet {
		s.Timeout = s.Interval
	}
	if usr != "" {
		s.Script.User, s.Script.Group = usr, grp
	}
	if s.Script.IsZero() {
		a.warnf(n.Pos, "No script set for vrrp_script %s - removing", name)
		return
	}
	c.Scripts = append(c.Scripts, s)
}
