package iproute

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Rule is one policy-routing rule entry as `ip rule add` reads it, plus
// keepalived's no_track and track_group. -1 marks an unset number.
type Rule struct {
	Family     int // 4 or 6
	From, To   netip.Prefix
	Not        bool
	Table      int // -1: none given (see KernelTable)
	Preference int
	IIF, OIF   string
	FWMark     string // as written
	Mark       uint32
	Mask       *uint32
	Tos        int
	Realm      int
	UIDRange   *Range
	Sport      *Range
	Dport      *Range
	IPProto    int
	Goto       int
	SuppressPL int
	SuppressIG int
	Action     uint8 // 0 = look up a table; else RTN* (blackhole, unreachable, prohibit) or FRActNop
	Proto      uint8

	NoTrack    bool
	TrackGroup string
}

// Range is a uidrange, sport or dport: Lo-Hi, or Lo alone (Hi = Lo).
type Range struct{ Lo, Hi uint32 }

// KernelTable is the table the rule looks up: main when the entry names
// none and neither jumps nor acts otherwise, ip rule's default.
func (r Rule) KernelTable() int {
	if r.Table < 0 && r.Goto < 0 && r.Action == 0 {
		return TableMain
	}
	return r.Table
}

var ruleActions = map[string]uint8{"blackhole": RTNBlackhole, "unreachable": RTNUnreachable,
	"prohibit": RTNProhibit, "nop": FRActNop}

// ParseRule reads one rule entry, reporting problems as ParseRoute does.
// A rule without a preference keeps -1: keepalived's automatic one counts
// down over the whole configuration, which is the reader's business.
func ParseRule(w []string) (Rule, Problems) {
	ru := Rule{Preference: -1, Realm: -1, Goto: -1, SuppressPL: -1, SuppressIG: -1, Table: -1}
	p := &ruleReader{reader: reader{w: w, kind: "rule"}, ru: &ru}
	for !p.done() && !p.ps.Skip() {
		p.option(p.next())
	}
	if ru.Family == 0 {
		ru.Family = 4
	}
	if !p.ps.Skip() && ru.Table < 0 && ru.Goto < 0 && ru.Action == 0 && !slices.ContainsFunc(w, isTableWord) {
		// keepalived drops a rule that says nothing to do, rather than
		// looking up the main table as ip rule would.
		p.add(Skip, "No action specified for rule - ignoring")
	}
	return ru, p.ps
}

// isTableWord is true for the options that name a table: even one that is
// not found gives the rule its action, as in keepalived.
func isTableWord(w string) bool { return w == "table" || w == "lookup" }

type ruleReader struct {
	reader
	ru *Rule
}

func (p *ruleReader) option(opt string) {
	ru := p.ru
	switch opt {
	case "from", "to":
		if v, ok := p.value(opt, Skip); ok {
			p.setPrefix(opt, v)
		}
	case "table", "lookup":
		if v, ok := p.value(opt, Invalid); ok {
			if ru.Table, ok = table(v); !ok {
				ru.Table = -1
				p.add(Invalid, fmt.Sprintf("Routing table %s not found for rule", v))
			}
		}
	case "preference", "priority", "order", "pref", "prio":
		if v, ok := p.value(opt, Invalid); ok {
			if ru.Preference, ok = atoiIn(v, 0, 1<<32-1); !ok {
				ru.Preference = -1
				p.add(Invalid, fmt.Sprintf("Invalid rule preference %s", v))
			}
		}
	case "iif", "iifname", "dev":
		ru.IIF, _ = p.value(opt, Invalid)
	case "oif", "oifname":
		ru.OIF, _ = p.value(opt, Invalid)
	case "fwmark":
		if v, ok := p.value(opt, Invalid); ok {
			ru.FWMark = v
			p.check(opt, v, ru.setMark(v))
		}
	case "not":
		ru.Not = true
	case "inet", "inet6":
		p.setFamily(map[string]int{"inet": 4, "inet6": 6}[opt])
	case "no_track":
		ru.NoTrack = true
	case "track_group":
		ru.TrackGroup, _ = p.value(opt, Invalid)
	case "l3mdev":
		// The netlink library cannot express FRA_L3MDEV, and a rule
		// installed without it would send traffic to the wrong table.
		p.add(Unsupported, "rule option l3mdev is not supported by govrrpd")
	default:
		if a, ok := ruleActions[opt]; ok {
			ru.Action = a
		} else if !p.selector(opt) {
			p.add(Invalid, fmt.Sprintf("Unknown rule option %s", opt))
		}
	}
}

// selector reads the numeric selectors keepalived passes to the kernel
// without a message of its own.
func (p *ruleReader) selector(opt string) bool {
	ru := p.ru
	var parse func(string) bool
	switch opt {
	case "tos", "dsfield":
		parse = func(v string) (ok bool) { ru.Tos, ok = atoiBase(v, 255); return }
	case "realms", "realm":
		parse = func(v string) (ok bool) { ru.Realm, ok = realm(v); return }
	case "uidrange", "sport", "dport":
		parse = func(v string) bool { return ru.setRange(opt, v) }
	case "ipproto":
		parse = func(v string) (ok bool) { ru.IPProto, ok = nameOrNumber(ipProtos, v, 255); return }
	case "goto":
		parse = func(v string) (ok bool) { ru.Goto, ok = atoiIn(v, 1, 1<<32-1); return }
	case "suppress_prefixlength":
		parse = func(v string) (ok bool) { ru.SuppressPL, ok = atoiIn(v, 0, 128); return }
	case "suppress_ifgroup":
		parse = func(v string) (ok bool) { ru.SuppressIG, ok = atoiIn(v, 0, 1<<31-1); return }
	case "protocol", "proto":
		parse = func(v string) bool { n, ok := nameOrNumber(protoNames, v, 255); ru.Proto = uint8(n); return ok }
	default:
		return false
	}
	if v, ok := p.value(opt, Invalid); ok {
		p.check(opt, v, parse(v))
	}
	return true
}

func (p *ruleReader) check(opt, v string, ok bool) {
	if !ok {
		p.add(Unsupported, fmt.Sprintf("invalid rule %s %s", opt, v))
	}
}

func (p *ruleReader) setFamily(f int) {
	if p.ru.Family != 0 && p.ru.Family != f {
		p.add(Skip, "rule specification has mixed IPv4 and IPv6") // keepalived's words; it drops the entry
		return
	}
	p.ru.Family = f
}

// setPrefix reads a rule address: a prefix, a bare address, or all.
func (p *ruleReader) setPrefix(opt, v string) {
	if v == "all" || v == "default" || v == "any" {
		return
	}
	pf, ok := Prefix(v)
	if !ok {
		p.add(Skip, fmt.Sprintf("VRRP parsed invalid IP %s. skipping IP...", v))
		p.add(Skip, fmt.Sprintf("Invalid rule %s address %s", opt, v))
		return
	}
	p.setFamily(familyOf(pf.Addr()))
	if opt == "from" {
		p.ru.From = pf
	} else {
		p.ru.To = pf
	}
}

// setMark reads fwmark MARK[/MASK], decimal or hex.
func (ru *Rule) setMark(v string) bool {
	m, mask, hasMask := strings.Cut(v, "/")
	n, err := strconv.ParseUint(m, 0, 32)
	if err != nil {
		return false
	}
	ru.Mark = uint32(n)
	if hasMask {
		k, err := strconv.ParseUint(mask, 0, 32)
		if err != nil {
			return false
		}
		k32 := uint32(k)
		ru.Mask = &k32
	}
	return true
}

func (ru *Rule) setRange(opt, v string) bool {
	hi := 0xffff
	if opt == "uidrange" {
		hi = 1<<32 - 1
	}
	lo, up, ok := numRange(v, hi)
	r := &Range{uint32(lo), uint32(up)}
	switch opt {
	case "uidrange":
		ru.UIDRange = r
	case "sport":
		ru.Sport = r
	default:
		ru.Dport = r
	}
	return ok
}
