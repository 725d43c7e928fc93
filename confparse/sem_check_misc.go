package confparse

import (
	"encoding/hex"
	"strings"
)

// MISC_CHECK, SMTP_CHECK, DNS_CHECK, UDP_CHECK and FILE_CHECK keywords.

var chkMiscTable = table[*chkState]{
	"misc_path": chkMiscPath,
	// keepalived reads whole seconds, 0 (the delay loop) included.
	"misc_timeout": func(a *analyzer, n *Node, st *chkState) {
		if d, ok := a.argSeconds(n, 0, 0, kaMaxSecs); ok {
			st.c.Misc().Timeout = d
		}
	},
	"misc_dynamic": func(a *analyzer, n *Node, st *chkState) { st.c.Misc().Dynamic = a.argFlag(n) },
	"user": func(a *analyzer, n *Node, st *chkState) {
		u, ok := a.arg(n, 0)
		if !ok {
			return
		}
		p := &st.c.Misc().Path
		p.User, p.Group = u, ""
		if i := strings.IndexByte(u, ':'); i >= 0 {
			p.User, p.Group = u[:i], u[i+1:]
		} else if len(n.Args) > 1 {
			p.Group = n.Args[1].Text
		}
	},
}

// chkMiscPath reads misc_path as keepalived 2.2.7 does: the first word is
// the command line (quoted, it holds the arguments); the words after it
// are not read — not a user, which the user keyword gives.
func chkMiscPath(a *analyzer, n *Node, st *chkState) {
	cmd := *n
	if len(n.Args) > 1 {
		a.infof(n.Pos, "misc_path: '%s' after the command is ignored, as keepalived does (quote the whole command line; a user goes in 'user')",
			n.Args[1].Text)
		cmd.Args = n.Args[:1]
	}
	spec, ok := a.script(&cmd)
	if !ok {
		return
	}
	old := st.c.Misc().Path
	spec.User, spec.Group = old.User, old.Group
	st.c.Misc().Path = spec
}

// chkSMTPHostTable is what a deprecated SMTP_CHECK host {} block accepts:
// keepalived's common checker keywords, connection and scheduling.
var chkSMTPHostTable table[*chkState]

var chkSMTPTable = table[*chkState]{
	"helo_name": func(a *analyzer, n *Node, st *chkState) {
		if s, ok := a.arg(n, 0); ok {
			st.c.SMTP().HeloName = s
		}
	},
	"host": func(a *analyzer, n *Node, st *chkState) {
		a.infof(n.Pos, "SMTP_CHECK host {} is deprecated; each host becomes a checker of its own (use one SMTP_CHECK per host)")
		if st.smtp == nil {
			st.smtp = &chkHosts{}
		}
		st.smtp.nodes = append(st.smtp.nodes, n)
	},
}

// expandHosts turns SMTP host {} blocks into checkers: each starts from
// the whole enclosing block, wherever the host block sat in it, and
// overrides its connection options.
func (st *chkState) expandHosts(a *analyzer) {
	if st.smtp == nil {
		return
	}
	for _, hn := range st.smtp.nodes {
		c := *st.c
		h := &chkState{c: &c, set: st.set}
		h.c.Source = hn.Pos.src()
		smtp := *st.c.SMTP()
		h.c.Settings = &smtp
		children(a, hn, chkSMTPHostTable, h, "host")
		st.smtp.hosts = append(st.smtp.hosts, h)
	}
}

var dnsTypes = map[string]bool{"A": true, "NS": true, "CNAME": true, "SOA": true, "MX": true, "TXT": true, "AAAA": true}

var chkDNSTable = table[*chkState]{
	"type": func(a *analyzer, n *Node, st *chkState) {
		s, ok := a.arg(n, 0)
		if !ok {
			return
		}
		if !dnsTypes[strings.ToUpper(s)] {
			a.warnf(n.Pos, "DNS_CHECK: unknown type '%s' (use A|NS|CNAME|SOA|MX|TXT|AAAA) - ignoring", s)
			return
		}
		st.c.DNS().Type = strings.ToUpper(s)
	},
	"name": func(a *analyzer, n *Node, st *chkState) {
		if s, ok := a.arg(n, 0); ok {
			st.c.DNS().Name = s
		}
	},
}

var chkUDPTable = table[*chkState]{
	"payload": func(a *analyzer, n *Node, st *chkState) {
		s, ok := a.arg(n, 0)
		if !ok {
			return
		}
		b, err := hex.DecodeString(s)
		if err != nil {
			a.warnf(n.Pos, "UDP_CHECK payload '%s' is not an even number of hex digits - ignoring", s)
			return
		}
		st.c.UDP().Payload = b
	},
	"require_reply": func(a *analyzer, n *Node, st *chkState) {
		st.c.UDP().RequireReply = true
		if len(n.Args) == 0 {
			return
		}
		s := n.Args[0].Text
		if _, err := hex.DecodeString(strings.Map(udpWildcard, s)); err != nil {
			a.warnf(n.Pos, "UDP_CHECK require_reply '%s' is not hex with X wildcards - ignoring the pattern", s)
			return
		}
		st.c.UDP().Reply = s
	},
	"min_reply_length": func(a *analyzer, n *Node, st *chkState) {
		if v, ok := a.argInt(n, 0, 0, 65535); ok {
			st.c.UDP().MinReplyLength = v
		}
	},
	"max_reply_length": func(a *analyzer, n *Node, st *chkState) {
		if v, ok := a.argInt(n, 0, 0, 65535); ok {
			st.c.UDP().MaxReplyLength = v
		}
	},
}

// udpWildcard maps the X (any nibble) of a reply pattern to a hex digit so
// the rest can be validated as hex.
func udpWildcard(r rune) rune {
	if r == 'X' || r == 'x' {
		return '0'
	}
	return r
}

var chkFileTable = table[*chkState]{
	"track_file": func(a *analyzer, n *Node, st *chkState) {
		if s, ok := a.arg(n, 0); ok {
			st.c.File().TrackFile = s
		}
	},
	"weight": func(a *analyzer, n *Node, st *chkState) {
		// keepalived's range is that of an IPVS weight, either way.
		v, ok := a.argInt(n, 0, -lvsMaxInt, lvsMaxInt)
		if !ok {
			return
		}
		st.c.File().Weight = v
		if len(n.Args) > 1 {
			switch n.Args[1].Text {
			case "reverse":
				st.c.File().Reverse = true
			case "noreverse":
				st.c.File().Reverse = false
			default:
				a.warnf(n.Pos, "FILE_CHECK weight: unknown option '%s' (only 'reverse' or 'noreverse')", n.Args[1].Text)
			}
		}
	},
}
