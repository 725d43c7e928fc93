package confparse

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/vrrp"
)

var bgpAnnounceKeys = map[string]bgpHandler{
	"virtual_server": bgpVSCondition,
	"vrrp_instance": func(a *analyzer, n *Node, t *bgpTarget) {
		if s, ok := a.arg(n, 0); ok {
			t.an.Conditions = append(t.an.Conditions, bgp.Condition{Kind: bgp.InstanceMaster, Instance: s, Pos: n.Pos.src()})
		}
	},
	"community": func(a *analyzer, n *Node, t *bgpTarget) {
		if len(n.Args) == 0 {
			a.warnf(n.Pos, "community needs at least one AS:VALUE")
		}
		for _, w := range n.Args {
			c, err := parseCommunity(w.Text)
			if err != nil {
				a.warnf(n.Pos, "community: %v", err)
				return
			}
			t.an.Communities = append(t.an.Communities, c)
		}
	},
	"med": func(a *analyzer, n *Node, t *bgpTarget) {
		s, ok := a.arg(n, 0)
		if !ok {
			return
		}
		v, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			a.warnf(n.Pos, "med: invalid number '%s' (0-4294967295)", s)
			return
		}
		t.an.MED, t.an.HasMED = uint32(v), true
	},
	"as_path_prepend": func(a *analyzer, n *Node, t *bgpTarget) {
		if v, ok := a.argInt(n, 0, 0, 16); ok {
			t.an.Prepend = uint8(v)
		}
	},
}

func bgpAnnounce(a *analyzer, n *Node, t *bgpTarget) {
	s, ok := a.arg(n, 0)
	if !ok {
		return
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		if ip, err2 := netip.ParseAddr(s); err2 == nil {
			p, err = netip.PrefixFrom(ip, ip.BitLen()), nil
		}
	}
	switch {
	case err != nil:
		a.warnf(n.Pos, "announce: invalid prefix '%s' (ADDRESS or ADDRESS/LEN)", s)
		return
	case !p.Addr().Is4():
		a.warnf(n.Pos, "announce %s: only IPv4 prefixes are announced so far", p)
		return
	case p != p.Masked():
		a.warnf(n.Pos, "announce %s: host bits are set (did you mean %s?)", p, p.Masked())
		return
	}
	if at, dup := t.seen.prefixes[p]; dup {
		a.warnf(n.Pos, "announce %s: already announced at %s", p, at)
		return
	}
	t.seen.prefixes[p] = n.Pos
	an := bgp.Announce{Prefix: p, Pos: n.Pos.src()}
	sub := &bgpTarget{c: t.c, seen: t.seen, an: &an}
	for _, k := range n.Children {
		bgpDispatch(a, k, bgpAnnounceKeys, sub, "announce "+p.String())
	}
	t.c.Announces = append(t.c.Announces, an)
}

// bgpVSCondition reads a virtual server as keepalived.conf names it:
// "IP PORT [TCP|UDP|SCTP]", "fwmark N", "group NAME [TCP|UDP|SCTP]".
func bgpVSCondition(a *analyzer, n *Node, t *bgpTarget) {
	c := bgp.Condition{Kind: bgp.VirtualServerQuorum, Protocol: "TCP", Pos: n.Pos.src()}
	args := n.ArgStrings()
	bad := func() {
		a.warnf(n.Pos, "virtual_server: want IP PORT [TCP|UDP|SCTP], fwmark N or group NAME [TCP|UDP|SCTP]")
	}
	proto := func(rest []string) bool {
		switch {
		case len(rest) == 0:
			return true
		case len(rest) == 1 && slices.Contains([]string{"TCP", "UDP", "SCTP"}, strings.ToUpper(rest[0])):
			c.Protocol = strings.ToUpper(rest[0])
			return true
		}
		return false
	}
	switch {
	case len(args) == 2 && args[0] == "fwmark":
		m, err := strconv.ParseUint(args[1], 10, 32)
		if err != nil || m == 0 {
			bad()
			return
		}
		c.FWMark, c.Protocol = uint32(m), ""
	case len(args) >= 2 && args[0] == "group":
		if !proto(args[2:]) {
			bad()
			return
		}
		c.Group = args[1]
	case len(args) >= 2:
		ip, err1 := netip.ParseAddr(args[0])
		port, err2 := strconv.ParseUint(args[1], 10, 16)
		if err1 != nil || err2 != nil || !proto(args[2:]) {
			bad()
			return
		}
		c.Addr = netip.AddrPortFrom(ip, uint16(port))
	default:
		bad()
		return
	}
	t.an.Conditions = append(t.an.Conditions, c)
}

// parseCommunity reads RFC 1997's AS:VALUE.
func parseCommunity(s string) (uint32, error) {
	hi, lo, ok := strings.Cut(s, ":")
	h, err1 := strconv.ParseUint(hi, 10, 16)
	l, err2 := strconv.ParseUint(lo, 10, 16)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("invalid community '%s' (AS:VALUE, each 0-65535)", s)
	}
	return uint32(h<<16 | l), nil
}

// bgpFinish checks what needs the whole file.
func bgpFinish(a *analyzer, c *bgp.Config, seen bgpSeen) {
	top := Pos{}
	if len(a.diags) > 0 {
		top.File = a.diags[0].Pos.File
	}
	if seen.bgpBlock.Line == 0 {
		a.warnf(top, "no 'bgp' block: local_as and router_id are required")
		return
	}
	if c.LocalAS == 0 {
		a.warnf(seen.bgpBlock, "bgp: local_as is required")
	}
	if !c.RouterID.IsValid() {
		a.warnf(seen.bgpBlock, "bgp: router_id is required (an IPv4 address of this director)")
	}
	if len(c.Neighbors) == 0 {
		a.warnf(seen.bgpBlock, "bgp: no neighbor: nothing would be announced")
	}
}

// CheckBGPRefs checks the conditions of a --bgp-config against the
// keepalived.conf it runs with: a condition naming a virtual server or an
// instance that does not exist would never hold, and its prefix would
// never be announced. It also tells, as Info, what in an announced
// virtual server breaks connections across directors (scaleOutAdvice).
func CheckBGPRefs(b *bgp.Config, cfg *Config) Diagnostics {
	var out Diagnostics
	for _, an := range b.Announces {
		for _, c := range an.Conditions {
			if c.Kind == bgp.InstanceMaster && !slices.ContainsFunc(cfg.Instances, func(in vrrp.Instance) bool { return in.Name == c.Instance }) ||
				c.Kind == bgp.VirtualServerQuorum && !slices.ContainsFunc(cfg.VirtualServers, func(v ipvs.VirtualServer) bool { return vsMatches(c, v) }) {
				out = append(out, Diagnostic{Pos: posOf(c.Pos), Severity: Warning,
					Msg: fmt.Sprintf("announce %s: %s: no such object in the keepalived configuration; it would never be announced", an.Prefix, c)})
			}
		}
	}
	return append(out, scaleOutAdvice(b, cfg)...)
}

// vsMatches says whether v is the virtual server c names.
func vsMatches(c bgp.Condition, v ipvs.VirtualServer) bool {
	switch {
	case c.FWMark != 0:
		return v.FWMark == c.FWMark
	case c.Group != "":
		return v.Group == c.Group && v.Protocol.String() == c.Protocol
	}
	return v.FWMark == 0 && v.Group == "" && v.Addr == c.Addr && v.Protocol.String() == c.Protocol
}
