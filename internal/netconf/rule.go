package netconf

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Policy routing rules of virtual_rules / static_rules, parsed from the
// words as `ip rule add` would read them.

// ruleSpec is one rule entry; -1 marks an unset numeric selector.
type ruleSpec struct {
	Family     int // 4 or 6
	From, To   netip.Prefix
	Not        bool
	Table      int
	Preference int
	IIF, OIF   string
	Mark       uint32
	Mask       *uint32
	Tos        int
	Realm      int
	UIDRange   *netlink.RuleUIDRange
	Sport      *netlink.RulePortRange
	Dport      *netlink.RulePortRange
	IPProto    int
	Goto       int
	SuppressPL int
	SuppressIG int
	Action     uint8 // 0 = lookup a table; else FR_ACT_* (blackhole, unreachable, prohibit, nop)
	Proto      uint8
}

var ruleActions = map[string]uint8{"blackhole": unix.RTN_BLACKHOLE, "unreachable": unix.RTN_UNREACHABLE,
	"prohibit": unix.RTN_PROHIBIT, "nop": 3 /* FR_ACT_NOP */}

var ipProtos = map[string]int{"tcp": unix.IPPROTO_TCP, "udp": unix.IPPROTO_UDP, "icmp": unix.IPPROTO_ICMP,
	"ipv6-icmp": unix.IPPROTO_ICMPV6, "icmpv6": unix.IPPROTO_ICMPV6, "sctp": unix.IPPROTO_SCTP,
	"gre": unix.IPPROTO_GRE, "esp": unix.IPPROTO_ESP, "ah": unix.IPPROTO_AH, "udplite": unix.IPPROTO_UDPLITE,
	"vrrp": 112}

// parseRuleWords reads one rule entry. l3mdev is refused: the netlink
// library cannot express FRA_L3MDEV, and a rule silently installed without
// it would send traffic to the wrong table.
func parseRuleWords(w []string) (ruleSpec, error) {
	s := ruleSpec{Preference: -1, Tos: 0, Realm: -1, Goto: -1, SuppressPL: -1, SuppressIG: -1, Table: -1}
	p := &wordReader{w: w}
	for !p.done() {
		opt := p.next()
		var err error
		switch opt {
		case "from", "to":
			err = s.setPrefix(opt, p.value(opt))
		case "not":
			s.Not = true
		case "table", "lookup":
			s.Table, err = tableNumber(p.value(opt))
		case "preference", "priority", "order", "pref", "prio":
			s.Preference, err = atoiIn(p.value(opt), 0, 1<<32-1)
		case "iif", "iifname", "dev":
			s.IIF = p.value(opt)
		case "oif", "oifname":
			s.OIF = p.value(opt)
		case "fwmark":
			err = s.setMark(p.value(opt))
		case "tos", "dsfield":
			s.Tos, err = atoiBase(p.value(opt), 255)
		case "realms", "realm":
			s.Realm, err = realmNumber(p.value(opt))
		case "uidrange":
			var lo, hi int
			lo, hi, err = numRange(p.value(opt), 1<<32-1)
			s.UIDRange = netlink.NewRuleUIDRange(uint32(lo), uint32(hi))
		case "sport", "dport":
			var lo, hi int
			lo, hi, err = numRange(p.value(opt), 0xffff)
			pr := netlink.NewRulePortRange(uint16(lo), uint16(hi))
			if opt == "sport" {
				s.Sport = pr
			} else {
				s.Dport = pr
			}
		case "ipproto":
			s.IPProto, err = nameOrNumber(ipProtos, p.value(opt), 255)
		case "goto":
			s.Goto, err = atoiIn(p.value(opt), 1, 1<<32-1)
		case "suppress_prefixlength":
			s.SuppressPL, err = atoiIn(p.value(opt), 0, 128)
		case "suppress_ifgroup":
			s.SuppressIG, err = atoiIn(p.value(opt), 0, 1<<31-1)
		case "protocol", "proto":
			var n int
			n, err = nameOrNumber(protoNames, p.value(opt), 255)
			s.Proto = uint8(n)
		case "inet":
			err = s.setFamily(4)
		case "inet6":
			err = s.setFamily(6)
		case "no_track":
		case "track_group":
			p.value(opt)
		case "l3mdev":
			err = errors.New("l3mdev is not supported by govrrpd")
		case "nat", "map-to":
			err = fmt.Errorf("%s was removed from Linux 2.6 and is not supported", opt)
		default:
			a, ok := ruleActions[opt]
			if !ok {
				err = fmt.Errorf("unknown rule option %q", opt)
			}
			s.Action = a
		}
		if err == nil {
			err = p.err
		}
		if err != nil {
			return s, fmt.Errorf("rule %q: %w", strings.Join(w, " "), err)
		}
	}
	if s.Family == 0 {
		s.Family = 4
	}
	if s.Table < 0 && s.Goto < 0 && s.Action == 0 {
		s.Table = unix.RT_TABLE_MAIN // ip rule's default action
	}
	return s, nil
}

func (s *ruleSpec) setFamily(f int) error {
	if s.Family != 0 && s.Family != f {
		return fmt.Errorf("mixed address families")
	}
	s.Family = f
	return nil
}

func (s *ruleSpec) setPrefix(opt, v string) error {
	if v == "all" || v == "default" || v == "any" {
		return nil
	}
	p, ok := parseRoutePrefix(v)
	if !ok {
		return fmt.Errorf("bad %s address %q", opt, v)
	}
	f := 4
	if p.Addr().Is6() {
		f = 6
	}
	if err := s.setFamily(f); err != nil {
		return err
	}
	if opt == "from" {
		s.From = p
	} else {
		s.To = p
	}
	return nil
}

// setMark reads fwmark MARK[/MASK], decimal or hex.
func (s *ruleSpec) setMark(v string) error {
	m, mask, hasMask := strings.Cut(v, "/")
	n, err := strconv.ParseUint(m, 0, 32)
	if err != nil {
		return fmt.Errorf("bad fwmark %q", v)
	}
	s.Mark = uint32(n)
	if hasMask {
		k, err := strconv.ParseUint(mask, 0, 32)
		if err != nil {
			return fmt.Errorf("bad fwmark mask %q", v)
		}
		k32 := uint32(k)
		s.Mask = &k32
	}
	return nil
}

// numRange reads N or N-M.
func numRange(v string, hi int) (int, int, error) {
	a, b, two := strings.Cut(v, "-")
	lo, err := atoiIn(a, 0, hi)
	if err != nil || !two {
		return lo, lo, err
	}
	up, err := atoiIn(b, lo, hi)
	return lo, up, err
}

func (s ruleSpec) toNetlink() *netlink.Rule {
	r := netlink.NewRule()
	r.Family = unix.AF_INET
	if s.Family == 6 {
		r.Family = unix.AF_INET6
	}
	r.Priority, r.Invert, r.Goto = s.Preference, s.Not, s.Goto
	r.Table = s.Table
	r.IifName, r.OifName = s.IIF, s.OIF
	r.Mark, r.Mask = s.Mark, s.Mask
	r.Tos, r.Flow = uint(s.Tos), s.Realm
	r.UIDRange, r.Sport, r.Dport, r.IPProto = s.UIDRange, s.Sport, s.Dport, s.IPProto
	r.SuppressPrefixlen, r.SuppressIfgroup = s.SuppressPL, s.SuppressIG
	r.Type, r.Protocol = s.Action, s.Proto
	if s.From.IsValid() {
		r.Src = prefixNet(s.From)
	}
	if s.To.IsValid() {
		r.Dst = prefixNet(s.To)
	}
	return r
}

func prefixNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// ruleSpecOf parses the words; the preference confparse assigned to a rule
// written without one (keepalived's count-down from 16384) fills the gap.
func ruleSpecOf(r vrrp.Rule) (ruleSpec, error) {
	w := r.Words
	if len(w) == 0 {
		add := func(k, v string, ok bool) {
			if ok {
				w = append(w, k, v)
			}
		}
		add("from", r.From.String(), r.From.IsValid())
		add("to", r.To.String(), r.To.IsValid())
		add("table", strconv.Itoa(r.Table), r.Table != 0)
		add("iif", r.IIF, r.IIF != "")
		add("oif", r.OIF, r.OIF != "")
		add("fwmark", r.FWMark, r.FWMark != "")
	}
	s, err := parseRuleWords(w)
	if err == nil && s.Preference < 0 && r.Preference >= 0 {
		s.Preference = r.Preference
	}
	return s, err
}

// AddRule installs r; a rule already there is success.
func AddRule(r vrrp.Rule) error {
	s, err := ruleSpecOf(r)
	if err != nil {
		return err
	}
	if err := netlink.RuleAdd(s.toNetlink()); err != nil && !errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("add rule %q: %w", strings.Join(r.Words, " "), err)
	}
	return nil
}

// DelRule removes r; a rule that is not there is not an error.
func DelRule(r vrrp.Rule) error {
	s, err := ruleSpecOf(r)
	if err != nil {
		return err
	}
	if err := netlink.RuleDel(s.toNetlink()); err != nil && !errors.Is(err, syscall.ENOENT) {
		return fmt.Errorf("remove rule %q: %w", strings.Join(r.Words, " "), err)
	}
	return nil
}

// Word-level helpers shared by the route and rule parsers.

var protoNames = map[string]int{
	"unspec": unix.RTPROT_UNSPEC, "redirect": unix.RTPROT_REDIRECT, "kernel": unix.RTPROT_KERNEL,
	"boot": unix.RTPROT_BOOT, "static": unix.RTPROT_STATIC, "ra": unix.RTPROT_RA,
	"dhcp": unix.RTPROT_DHCP, "keepalived": 18, "babel": unix.RTPROT_BABEL, "bgp": 186,
	"isis": 187, "ospf": 188, "rip": 189, "eigrp": 192,
}

// wordReader walks an entry; value() records a missing argument once.
type wordReader struct {
	w   []string
	i   int
	err error
}

func (p *wordReader) done() bool { return p.i >= len(p.w) || p.err != nil }
func (p *wordReader) next() string {
	p.i++
	return p.w[p.i-1]
}
func (p *wordReader) peek() string {
	if p.i < len(p.w) {
		return p.w[p.i]
	}
	return ""
}
func (p *wordReader) value(opt string) string {
	if p.i >= len(p.w) {
		if p.err == nil {
			p.err = fmt.Errorf("%s needs a value", opt)
		}
		return ""
	}
	return p.next()
}

func atoiIn(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("bad number %q", v)
	}
	return n, nil
}

// atoiBase accepts decimal or 0x hex, as tos and fwmark values are written.
func atoiBase(v string, hi uint64) (int, error) {
	n, err := strconv.ParseUint(v, 0, 64)
	if err != nil || n > hi {
		return 0, fmt.Errorf("bad number %q", v)
	}
	return int(n), nil
}

func nameOrNumber(names map[string]int, v string, hi int) (int, error) {
	if n, ok := names[v]; ok {
		return n, nil
	}
	return atoiIn(v, 0, hi)
}

var scopeNames = map[string]int{"global": unix.RT_SCOPE_UNIVERSE, "universe": unix.RT_SCOPE_UNIVERSE,
	"site": unix.RT_SCOPE_SITE, "link": unix.RT_SCOPE_LINK, "host": unix.RT_SCOPE_HOST,
	"nowhere": unix.RT_SCOPE_NOWHERE}

func scopeNumber(v string) (int, error) { return nameOrNumber(scopeNames, v, 255) }

// tableNames resolves a routing table name from iproute2's rt_tables files
// (a variable so that tests need not depend on the host's files).
var tableNames = func(name string) (int, bool) {
	for _, f := range []string{"/etc/iproute2/rt_tables", "/usr/share/iproute2/rt_tables"} {
		if n, ok := lookupRTTables(f, name); ok {
			return n, true
		}
	}
	return 0, false
}

func lookupRTTables(path, name string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == name && !strings.HasPrefix(f[0], "#") {
			n, err := strconv.ParseUint(f[0], 0, 32)
			return int(n), err == nil
		}
	}
	return 0, false
}

// tableNumber knows the reserved names, numbers and rt_tables names.
func tableNumber(v string) (int, error) {
	switch v {
	case "main":
		return unix.RT_TABLE_MAIN, nil
	case "local":
		return unix.RT_TABLE_LOCAL, nil
	case "default":
		return unix.RT_TABLE_DEFAULT, nil
	}
	if n, err := atoiIn(v, 0, 1<<32-1); err == nil {
		return n, nil
	}
	if n, ok := tableNames(v); ok {
		return n, nil
	}
	return 0, fmt.Errorf("unknown routing table %q", v)
}

// realmNumber reads REALM or FROM/TO, numbers only (rt_realms names are
// not read).
func realmNumber(v string) (int, error) {
	from, to, two := strings.Cut(v, "/")
	if !two {
		return atoiIn(v, 0, 0xffff)
	}
	f, err := atoiIn(from, 0, 0xffff)
	if err != nil {
		return 0, err
	}
	t, err := atoiIn(to, 0, 0xffff)
	return f<<16 | t, err
}

// rttValue follows ip-route: a bare number goes to the kernel as is; with
// a unit it is milliseconds, scaled to the kernel's 1/8 ms (rtt) and
// 1/4 ms (rttvar) units.
func rttValue(opt, v string) (int, error) {
	units := []struct {
		suffix string
		ms     float64
	}{{"msecs", 1}, {"msec", 1}, {"ms", 1}, {"usecs", 0.001}, {"usec", 0.001}, {"us", 0.001},
		{"secs", 1000}, {"sec", 1000}, {"s", 1000}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil || f < 0 || f > 1<<31 {
				return 0, fmt.Errorf("bad %s %q", opt, v)
			}
			ms := int(f * u.ms)
			switch opt {
			case "rtt":
				return ms * 8, nil
			case "rttvar":
				return ms * 4, nil
			}
			return ms, nil
		}
	}
	return atoiIn(v, 0, 1<<31-1)
}
