package iproute

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Route is one route entry as `ip route add` reads it, plus keepalived's
// no_track and track_group. Interface names stay names: resolving them is
// the installer's business.
type Route struct {
	Type      int    // RTN*
	TypeName  string // the type word as written, "" when none was
	Family    int    // 4 or 6
	Dst       netip.Prefix
	Default   bool // Dst was written default, all or any
	Src       netip.Addr
	Via       netip.Addr
	Dev       string
	Table     int // 0 = main
	Metric    int
	Scope     int    // -1 = the kernel's choice from the type and gateway
	ScopeName string // as written
	Proto     int    // 0 = boot, as ip route does
	ProtoName string // as written
	Tos       int
	Realm     int
	OnLink    bool
	Mode      string // "", "append" or "prepend"
	Metrics   Metrics
	Nexthops  []Nexthop

	NoTrack    bool
	TrackGroup string
}

// Nexthop is one path of a multipath route.
type Nexthop struct {
	Via    netip.Addr
	Dev    string
	Weight int // 1..256
	OnLink bool
}

// ParseRoute reads one route entry. Problems come in keepalived's wording;
// when Problems.Skip reports true keepalived would drop the entry, and
// reading stopped there.
func ParseRoute(w []string) (Route, Problems) {
	rt := Route{Type: RTNUnicast, Scope: -1}
	p := &routeReader{reader: reader{w: w, kind: "route"}, rt: &rt}
	if _, ok := routeTypes[p.peek()]; ok {
		rt.setType(p.next())
	}
	for !p.stop() {
		p.option(p.next())
	}
	if p.ps.Skip() {
		return rt, p.ps
	}
	if !p.haveDst {
		p.add(Skip, "Route has no destination - skipping")
		return rt, p.ps
	}
	if rt.Family == 0 {
		rt.Family = 4
	}
	if !rt.Dst.IsValid() { // `default` before the family was known
		rt.Dst = DefaultPrefix(rt.Family)
	}
	return rt, p.ps
}

type routeReader struct {
	reader
	rt      *Route
	haveDst bool
}

// stop is true at the end of the words or once the entry is to be dropped.
func (p *routeReader) stop() bool { return p.done() || p.ps.Skip() }

func (rt *Route) setType(w string) {
	rt.Type = routeTypes[w]
	if w != "unicast" {
		rt.TypeName = w
	}
}

func (p *routeReader) option(opt string) {
	rt := p.rt
	switch opt {
	case "to":
		if _, ok := routeTypes[p.peek()]; ok {
			rt.setType(p.next())
		}
		if v, ok := p.value(opt, Skip); ok {
			p.setDst(v)
		}
	case "default", "all", "any":
		p.setDst(opt)
	case "src":
		if v, ok := p.value(opt, Invalid); ok {
			rt.Src = p.addr(v)
		}
	case "via", "gw":
		rt.Via = p.via(opt)
	case "or":
		p.add(Deprecated, `"or" for routes is deprecated. Please use "nexthop"`)
		if v, ok := p.value(opt, Invalid); ok {
			rt.Nexthops = append(rt.Nexthops, Nexthop{Via: p.addr(v), Weight: 1})
		}
	case "nexthop":
		p.nexthop()
	case "dev", "oif":
		rt.Dev, _ = p.value(opt, Invalid)
	case "table":
		if v, ok := p.value(opt, Invalid); ok {
			if rt.Table, ok = table(v); !ok {
				p.add(Invalid, fmt.Sprintf("Routing table %s not found for route", v))
			}
		}
	case "metric", "priority", "preference":
		if v, ok := p.value(opt, Invalid); ok {
			if rt.Metric, ok = atoiIn(v, 0, 1<<32-1); !ok {
				p.add(Invalid, fmt.Sprintf("Invalid metric %s", v))
			}
		}
	case "scope":
		rt.ScopeName, rt.Scope = p.named(opt, scopeNames, 255)
	case "protocol": // keepalived has no "proto" for routes
		rt.ProtoName, rt.Proto = p.named(opt, protoNames, 255)
	default:
		p.more(opt)
	}
}

// more reads the options that concern only the kernel: keepalived passes
// them through without a message of its own.
func (p *routeReader) more(opt string) {
	rt := p.rt
	switch opt {
	case "tos", "dsfield":
		rt.Tos = p.number(opt, func(v string) (int, bool) { return atoiBase(v, 255) })
	case "realms", "realm":
		rt.Realm = p.number(opt, realm)
	case "onlink":
		rt.OnLink = true
	case "inet", "inet6":
		p.setFamily(map[string]int{"inet": 4, "inet6": 6}[opt])
	case "append", "prepend":
		rt.Mode = opt
	case "no_track":
		rt.NoTrack = true
	case "track_group":
		rt.TrackGroup, _ = p.value(opt, Invalid)
	case "expires", "pref", "ttl-propagate", "weight", "lock":
		if opt != "lock" {
			p.value(opt, Invalid)
		}
		p.add(Unsupported, fmt.Sprintf("route option %s is not supported by govrrpd here", opt))
	default:
		switch {
		case p.metric(opt):
		case p.haveDst:
			// keepalived reads the word as a second destination and
			// drops the route.
			p.add(Skip, fmt.Sprintf("VRRP parsed invalid IP %s. skipping IP...", opt))
			p.add(Skip, fmt.Sprintf("unknown route keyword %s", opt))
		default:
			p.setDst(opt)
		}
	}
}

// value reads a number-like argument the installer needs valid.
func (p *routeReader) number(opt string, parse func(string) (int, bool)) int {
	v, ok := p.value(opt, Invalid)
	if !ok {
		return 0
	}
	n, ok := parse(v)
	if !ok {
		p.add(Unsupported, fmt.Sprintf("invalid route %s %s", opt, v))
	}
	return n
}

func (p *routeReader) named(opt string, names map[string]int, hi int) (string, int) {
	v, ok := p.value(opt, Invalid)
	if !ok {
		return "", -1
	}
	n, ok := nameOrNumber(names, v, hi)
	if !ok {
		p.add(Unsupported, fmt.Sprintf("invalid route %s %s", opt, v))
		n = -1
	}
	return v, n
}

// via reads `via [inet|inet6] ADDR`; `gw` is its old spelling.
func (p *routeReader) via(opt string) netip.Addr {
	if opt == "gw" {
		p.add(Deprecated, `"gw" for routes is deprecated. Please use "via"`)
	}
	v, ok := p.value(opt, Invalid)
	if !ok {
		return netip.Addr{}
	}
	if v == "inet" || v == "inet6" {
		p.setFamily(map[string]int{"inet": 4, "inet6": 6}[v])
		// `via inet` with nothing after it: the entry goes, with one
		// message.
		if v, ok = p.value(opt, Skip); !ok {
			return netip.Addr{}
		}
	}
	return p.addr(v)
}

// nexthop reads `nexthop [via A] [dev D] [weight W] [onlink]`.
func (p *routeReader) nexthop() {
	nh := Nexthop{Weight: 1}
	for !p.stop() {
		switch p.peek() {
		case "via", "gw":
			nh.Via = p.via(p.next())
		case "dev":
			nh.Dev, _ = p.value(p.next(), Invalid)
		case "weight":
			nh.Weight = p.number(p.next(), func(v string) (int, bool) { return atoiIn(v, 1, 256) })
		case "onlink":
			p.next()
			nh.OnLink = true
		default:
			p.rt.Nexthops = append(p.rt.Nexthops, nh)
			return
		}
	}
	p.rt.Nexthops = append(p.rt.Nexthops, nh)
}

// addr reads an address and fixes or checks the route's family: ip route
// refuses a gateway of the other family.
func (p *routeReader) addr(v string) netip.Addr {
	ip, err := netip.ParseAddr(v)
	if err != nil {
		p.add(Skip, fmt.Sprintf("VRRP parsed invalid IP %s. skipping IP...", v))
		return netip.Addr{}
	}
	ip = ip.Unmap()
	p.setFamily(familyOf(ip))
	return ip
}

func (p *routeReader) setFamily(f int) {
	switch p.rt.Family {
	case 0:
		p.rt.Family = f
	case f:
	default: // keepalived drops the entry
		p.add(Skip, "Cannot mix IPv4 and IPv6 addresses for route")
	}
}

func (p *routeReader) setDst(v string) {
	if p.haveDst {
		p.add(Unsupported, fmt.Sprintf("route has a second destination %s", v))
		return
	}
	p.haveDst = true
	switch v {
	case "default", "all", "any":
		p.rt.Default = true
		if p.rt.Family != 0 {
			p.rt.Dst = DefaultPrefix(p.rt.Family)
		}
		return
	}
	d, ok := Prefix(v)
	if !ok {
		if d, ok = tooLong(v); ok {
			p.add(Invalid, fmt.Sprintf("Invalid address prefix len %s for address %s - using %d", v[strings.IndexByte(v, '/')+1:], v, d.Bits()))
		}
	}
	if !ok {
		p.add(Skip, fmt.Sprintf("VRRP parsed invalid IP %s. skipping IP...", v))
		return
	}
	p.rt.Dst = d
	p.setFamily(familyOf(d.Addr()))
}

// tooLong reads ADDR/LEN with LEN beyond the family's bits as the host
// prefix, as keepalived does for a route's destination (with a warning).
func tooLong(v string) (netip.Prefix, bool) {
	a, l, found := strings.Cut(v, "/")
	ip, err := netip.ParseAddr(a)
	n, nerr := strconv.Atoi(l)
	if !found || err != nil || nerr != nil || n <= ip.Unmap().BitLen() {
		return netip.Prefix{}, false
	}
	ip = ip.Unmap()
	return netip.PrefixFrom(ip, ip.BitLen()), true
}
