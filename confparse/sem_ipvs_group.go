package confparse

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
)

// virtual_server_group and the global SSL block. Both may be defined after
// the virtual servers that use them, so references are checked once the
// whole file is read.

func semServerGroup(a *analyzer, n *Node, c *Config) {
	name, ok := a.arg(n, 0)
	if !ok {
		return
	}
	g := ipvs.Group{Name: name, Source: n.Pos.String()}
	var implicit []int // fwmark entries without a family
	has4, has6 := false, false
	for _, e := range n.Children {
		if e.Key == "fwmark" && len(e.Args) == 0 {
			a.missingParam(e.Pos, e.Key, e.Key, 2)
			continue
		}
		ent, fam, err := vsgEntry(append([]string{e.Key}, e.ArgStrings()...))
		if err != nil {
			a.warnf(e.Pos, "%v - skipping", err)
			continue
		}
		switch {
		case ent.FWMark != 0 && !fam:
			implicit = append(implicit, len(g.Entries))
		case ent.FWMark == 0 && ent.Family == 4:
			has4 = true
		case ent.FWMark == 0:
			has6 = true
		}
		g.Entries = append(g.Entries, ent)
	}
	if len(g.Entries) == 0 {
		a.warnf(n.Pos, "virtual server group %s has no entries - removing", name)
		return
	}
	if len(implicit) > 0 && has4 && has6 {
		a.warnf(n.Pos, "virtual server group %s cannot have IPv4, IPv6 and fwmark without family - removing", name)
		return
	}
	for _, i := range implicit {
		g.Entries[i].Family = 4
		if has6 {
			g.Entries[i].Family = 6
		}
	}
	for _, old := range c.ServerGroups {
		if old.Name == name {
			a.warnf(n.Pos, "virtual_server_group %s is defined twice - ignoring the second", name)
			return
		}
	}
	c.ServerGroups = append(c.ServerGroups, g)
}

// vsgEntry reads one group line: `fwmark N [inet|inet6]` or
// `ADDR[-END|/LEN] [PORT]`. fam reports an explicit fwmark family.
func vsgEntry(w []string) (e ipvs.GroupEntry, fam bool, err error) {
	if w[0] == "fwmark" {
		if len(w) < 2 {
			return e, false, fmt.Errorf("virtual server group fwmark needs a value")
		}
		m, perr := strconv.ParseUint(w[1], 10, 32)
		if perr != nil || m == 0 {
			return e, false, fmt.Errorf("virtual server group fwmark '%s' is invalid", w[1])
		}
		e.FWMark, e.Family = uint32(m), 4
		if len(w) > 2 {
			switch w[2] {
			case "inet":
			case "inet6":
				e.Family = 6
			default:
				return e, false, fmt.Errorf("virtual server group fwmark family '%s' is invalid", w[2])
			}
			fam = true
		}
		return e, fam, nil
	}
	if e.First, e.Last, err = vsgRange(w[0]); err != nil {
		return e, false, err
	}
	e.Family = lvsFamily(e.First)
	if len(w) > 1 {
		p, perr := strconv.ParseUint(w[1], 10, 16)
		if perr != nil {
			return e, false, fmt.Errorf("Invalid virtual server group port '%s'", w[1])
		}
		e.Port = uint16(p)
	}
	return e, false, nil
}

// vsgRange reads ADDR, ADDR-LASTPART, ADDR-ADDR or a CIDR prefix.
func vsgRange(s string) (first, last netip.Addr, err error) {
	bad := fmt.Errorf("Invalid virtual server group IP address %s", s)
	if strings.Contains(s, "/") {
		p, perr := netip.ParsePrefix(s)
		if perr != nil {
			return first, last, bad
		}
		p = p.Masked()
		return p.Addr(), vsgPrefixLast(p), nil
	}
	lo, hi, isRange := strings.Cut(s, "-")
	if first, err = netip.ParseAddr(lo); err != nil || first.Zone() != "" {
		return first, last, bad
	}
	if !isRange {
		return first, first, nil
	}
	if last, err = netip.ParseAddr(hi); err == nil {
		if last.Is4() != first.Is4() {
			return first, last, bad
		}
		if last.Less(first) {
			return first, last, fmt.Errorf("Address range end is less than address range start - %s", s)
		}
		return first, last, nil
	}
	last, err = vsgLastPart(first, hi)
	if err != nil {
		return first, last, bad
	}
	if !first.Less(last) {
		return first, last, fmt.Errorf("Address range end is not greater than address range start - %s", s)
	}
	return first, last, nil
}

// vsgLastPart replaces the last octet (IPv4, decimal) or the last 16-bit
// group (IPv6, hex) of first.
func vsgLastPart(first netip.Addr, s string) (netip.Addr, error) {
	if first.Is4() {
		v, err := strconv.ParseUint(s, 10, 8)
		if err != nil {
			return netip.Addr{}, err
		}
		b := first.As4()
		b[3] = byte(v)
		return netip.AddrFrom4(b), nil
	}
	v, err := strconv.ParseUint(s, 16, 16)
	if err != nil {
		return netip.Addr{}, err
	}
	b := first.As16()
	b[14], b[15] = byte(v>>8), byte(v)
	return netip.AddrFrom16(b), nil
}

func vsgPrefixLast(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	last, _ := netip.AddrFromSlice(b)
	return last
}

// vsgCheckRef reports a group virtual server whose group does not exist:
// keepalived accepts it silently and creates no service, which is never
// what the operator meant.
func vsgCheckRef(a *analyzer, c *Config, p Pos, name string) {
	for _, g := range c.ServerGroups {
		if g.Name == name {
			return
		}
	}
	a.warnf(p, "virtual_server group %s: no virtual_server_group %s is defined; the service has no addresses", name, name)
}

// semSSL reads the global SSL block, the client identity of every SSL_GET.
func semSSL(a *analyzer, n *Node, c *Config) {
	if c.SSL == nil {
		c.SSL = &check.TLSSettings{}
		a.atFinish(func() { sslAttach(c) })
	}
	children(a, n, sslTable, c.SSL, "SSL")
}

var sslTable = table[*check.TLSSettings]{
	"password":    sslField(func(t *check.TLSSettings) *string { return &t.Password }),
	"ca":          sslField(func(t *check.TLSSettings) *string { return &t.CA }),
	"certificate": sslField(func(t *check.TLSSettings) *string { return &t.Certificate }),
	"key":         sslField(func(t *check.TLSSettings) *string { return &t.Key }),
}

func sslField(f func(*check.TLSSettings) *string) handler[*check.TLSSettings] {
	return func(a *analyzer, n *Node, t *check.TLSSettings) {
		if s, ok := a.arg(n, 0); ok {
			*f(t) = s
		}
	}
}

// sslAttach gives every SSL_GET checker the global SSL settings.
func sslAttach(c *Config) {
	for i := range c.Checkers {
		if ck := c.Checkers[i]; ck.Kind == check.SSL && ck.HTTP() != nil {
			ck.HTTP().TLS = c.SSL
		}
	}
}
