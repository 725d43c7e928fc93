package netconf

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Routes of virtual_routes / static_routes. keepalived hands the entry's
// words to its own copy of ip-route's grammar, so govrrpd parses the words
// again here (confparse keeps them verbatim) rather than trusting the handful
// of typed fields: metrics, multipath and types live only in the words.

// routeSpec is one route entry with interface names still unresolved, so
// that parsing stays pure and testable without a kernel.
type routeSpec struct {
	Type     int // unix.RTN_*
	Family   int // 4 or 6; 0 until an address or inet/inet6 decides
	Dst      netip.Prefix
	Src      netip.Addr
	Via      netip.Addr
	Dev      string
	Table    int // 0 = main
	Metric   int
	Scope    int // -1 = kernel's choice from the type and gateway
	Proto    int // 0 = boot, as ip route does
	Tos      int
	Realm    int
	OnLink   bool
	Mode     string // "", "append" or "prepend"
	Metrics  routeMetrics
	Nexthops []nexthopSpec
}

type nexthopSpec struct {
	Via    netip.Addr
	Dev    string
	Weight int // 1..256
	OnLink bool
}

// routeMetrics are the RTAX_* values; zero means "not set".
type routeMetrics struct {
	MTU, AdvMSS, Window, RTT, RTTVar, Reordering, Cwnd, Ssthresh int
	InitCwnd, InitRwnd, RtoMin, Features, QuickACK, Hoplimit     int
	FastOpenNoCookie                                             int
	MTULock, RtoMinLock                                          bool
	Congctl                                                      string
}

var routeTypeNames = map[string]int{
	"unicast": unix.RTN_UNICAST, "local": unix.RTN_LOCAL, "broadcast": unix.RTN_BROADCAST,
	"anycast": unix.RTN_ANYCAST, "multicast": unix.RTN_MULTICAST, "blackhole": unix.RTN_BLACKHOLE,
	"unreachable": unix.RTN_UNREACHABLE, "prohibit": unix.RTN_PROHIBIT, "throw": unix.RTN_THROW,
	"nat": unix.RTN_NAT,
}

// parseRouteWords reads one route entry as `ip route add` would, plus
// keepalived's no_track and track_group, which do not concern the kernel.
func parseRouteWords(w []string) (routeSpec, error) {
	s := routeSpec{Type: unix.RTN_UNICAST, Scope: -1}
	p := &wordReader{w: w}
	haveDst := false
	if t, ok := routeTypeNames[p.peek()]; ok {
		s.Type = t
		p.i++
	}
	for !p.done() {
		opt := p.next()
		var err error
		switch opt {
		case "to":
			if t, ok := routeTypeNames[p.peek()]; ok {
				s.Type = t
				p.i++
			}
			err = s.setDst(p.value(opt), &haveDst)
		case "src":
			s.Src, err = s.addr(p.value(opt))
		case "via", "gw":
			v := p.value(opt)
			if v == "inet" || v == "inet6" {
				s.setFamilyWord(v)
				v = p.value(opt)
			}
			s.Via, err = s.addr(v)
		case "dev", "oif":
			s.Dev = p.value(opt)
		case "table":
			s.Table, err = tableNumber(p.value(opt))
		case "metric", "priority", "preference":
			s.Metric, err = atoiIn(p.value(opt), 0, 1<<32-1)
		case "scope":
			s.Scope, err = scopeNumber(p.value(opt))
		case "proto", "protocol":
			s.Proto, err = nameOrNumber(protoNames, p.value(opt), 255)
		case "tos", "dsfield":
			s.Tos, err = atoiBase(p.value(opt), 255)
		case "realms", "realm":
			s.Realm, err = realmNumber(p.value(opt))
		case "onlink":
			s.OnLink = true
		case "inet", "inet6":
			s.setFamilyWord(opt)
		case "append", "prepend":
			s.Mode = opt
		case "nexthop", "or":
			err = s.parseNexthop(p, opt)
		case "no_track":
		case "track_group":
			p.value(opt)
		case "default", "all", "any":
			err = s.setDst(opt, &haveDst)
		default:
			if handled, merr := s.Metrics.parse(opt, p); handled {
				err = merr
			} else if haveDst {
				err = fmt.Errorf("unknown route option %q", opt)
			} else {
				err = s.setDst(opt, &haveDst)
			}
		}
		if err == nil {
			err = p.err
		}
		if err != nil {
			return s, fmt.Errorf("route %q: %w", strings.Join(w, " "), err)
		}
	}
	if !haveDst {
		return s, fmt.Errorf("route %q: no destination", strings.Join(w, " "))
	}
	if s.Family == 0 {
		s.Family = 4
	}
	if !s.Dst.IsValid() { // "default" before the family was known
		s.Dst = defaultPrefix(s.Family)
	}
	return s, nil
}

func (s *routeSpec) setFamilyWord(w string) {
	if w == "inet6" {
		s.Family = 6
	} else {
		s.Family = 4
	}
}

// addr parses an address and fixes or checks the route's family: ip route
// refuses a gateway of the other family (RTA_VIA is not supported here).
func (s *routeSpec) addr(v string) (netip.Addr, error) {
	if v == "" {
		return netip.Addr{}, nil
	}
	ip, err := netip.ParseAddr(v)
	if err != nil {
		return ip, fmt.Errorf("bad address %q", v)
	}
	ip = ip.Unmap()
	return ip, s.checkFamily(ip)
}

func (s *routeSpec) checkFamily(ip netip.Addr) error {
	f := 4
	if ip.Is6() {
		f = 6
	}
	if s.Family == 0 {
		s.Family = f
	} else if s.Family != f {
		return fmt.Errorf("address %s is not IPv%d", ip, s.Family)
	}
	return nil
}

func (s *routeSpec) setDst(v string, have *bool) error {
	if *have {
		return fmt.Errorf("second destination %q", v)
	}
	*have = true
	switch v {
	case "":
		return nil
	case "default", "all", "any":
		if s.Family != 0 {
			s.Dst = defaultPrefix(s.Family)
		}
		return nil
	}
	p, ok := parseRoutePrefix(v)
	if !ok {
		return fmt.Errorf("bad destination %q", v)
	}
	s.Dst = p
	return s.checkFamily(p.Addr())
}

func parseRoutePrefix(v string) (netip.Prefix, bool) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return p, false
		}
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()).Masked(), true
	}
	ip, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, false
	}
	ip = ip.Unmap()
	return netip.PrefixFrom(ip, ip.BitLen()), true
}

func defaultPrefix(family int) netip.Prefix {
	if family == 6 {
		return netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	}
	return netip.PrefixFrom(netip.IPv4Unspecified(), 0)
}

// parseNexthop reads `nexthop [via A] [dev D] [weight W] [onlink]`; the
// deprecated `or A` is a nexthop with only a gateway.
func (s *routeSpec) parseNexthop(p *wordReader, opt string) error {
	nh := nexthopSpec{Weight: 1}
	if opt == "or" {
		ip, err := s.addr(p.value(opt))
		nh.Via = ip
		s.Nexthops = append(s.Nexthops, nh)
		return err
	}
	for !p.done() {
		var err error
		switch p.peek() {
		case "via", "gw":
			p.i++
			v := p.value("via")
			if v == "inet" || v == "inet6" {
				v = p.value("via")
			}
			nh.Via, err = s.addr(v)
		case "dev":
			p.i++
			nh.Dev = p.value("dev")
		case "weight":
			p.i++
			nh.Weight, err = atoiIn(p.value("weight"), 1, 256)
		case "onlink":
			p.i++
			nh.OnLink = true
		default:
			s.Nexthops = append(s.Nexthops, nh)
			return nil
		}
		if err != nil {
			return err
		}
	}
	s.Nexthops = append(s.Nexthops, nh)
	return p.err
}

// parse handles one RTAX metric; the lock keyword pins the value against
// path-MTU discovery and friends, as in ip-route.
func (m *routeMetrics) parse(opt string, p *wordReader) (bool, error) {
	lock := false
	switch opt {
	case "features":
		if v := p.value(opt); v != "ecn" {
			return true, fmt.Errorf("unknown feature %q", v)
		}
		m.Features = unix.RTAX_FEATURE_ECN
		return true, nil
	case "congctl":
		v := p.value(opt)
		if v == "lock" {
			v = p.value(opt)
		}
		m.Congctl = v
		return true, nil
	case "expires", "pref", "ttl-propagate", "encap", "nhid", "mpls", "as":
		return true, fmt.Errorf("%s is not supported by govrrpd", opt)
	}
	field, ok := metricFields[opt]
	if !ok {
		return false, nil
	}
	v := p.value(opt)
	if v == "lock" {
		lock = true
		v = p.value(opt)
	}
	var err error
	if opt == "rtt" || opt == "rttvar" || opt == "rto_min" {
		*field(m), err = rttValue(opt, v)
	} else {
		*field(m), err = atoiIn(v, 0, 1<<32-1)
	}
	switch opt {
	case "mtu":
		m.MTULock = lock
	case "rto_min":
		m.RtoMinLock = lock
	}
	return true, err
}

// metricFields maps the numeric metric keywords to their field.
var metricFields = map[string]func(*routeMetrics) *int{
	"mtu": func(m *routeMetrics) *int { return &m.MTU }, "advmss": func(m *routeMetrics) *int { return &m.AdvMSS },
	"window": func(m *routeMetrics) *int { return &m.Window }, "cwnd": func(m *routeMetrics) *int { return &m.Cwnd },
	"reordering":         func(m *routeMetrics) *int { return &m.Reordering },
	"ssthresh":           func(m *routeMetrics) *int { return &m.Ssthresh },
	"initcwnd":           func(m *routeMetrics) *int { return &m.InitCwnd },
	"initrwnd":           func(m *routeMetrics) *int { return &m.InitRwnd },
	"quickack":           func(m *routeMetrics) *int { return &m.QuickACK },
	"hoplimit":           func(m *routeMetrics) *int { return &m.Hoplimit },
	"rtt":                func(m *routeMetrics) *int { return &m.RTT },
	"rttvar":             func(m *routeMetrics) *int { return &m.RTTVar },
	"rto_min":            func(m *routeMetrics) *int { return &m.RtoMin },
	"fastopen_no_cookie": func(m *routeMetrics) *int { return &m.FastOpenNoCookie },
}

// toNetlink resolves interface names with ifindex and builds the request.
// defDev is used when a direct unicast route (no gateway, no nexthops)
// names no device: the kernel could not place it otherwise.
func (s routeSpec) toNetlink(defDev string, ifindex func(string) (int, error)) (*netlink.Route, error) {
	r := &netlink.Route{Type: s.Type, Table: s.Table, Priority: s.Metric, Tos: s.Tos, Realm: s.Realm,
		Protocol: netlink.RouteProtocol(s.Proto), Family: unix.AF_INET}
	if s.Family == 6 {
		r.Family = unix.AF_INET6
	}
	if s.Proto == 0 {
		r.Protocol = unix.RTPROT_BOOT
	}
	if s.Scope >= 0 {
		r.Scope = netlink.Scope(s.Scope)
	} else if s.Type == unix.RTN_LOCAL || s.Type == unix.RTN_NAT {
		r.Scope = netlink.SCOPE_HOST
	} else if s.Type == unix.RTN_BROADCAST || s.Type == unix.RTN_MULTICAST || s.Type == unix.RTN_ANYCAST {
		r.Scope = netlink.SCOPE_LINK
	} else if s.Type == unix.RTN_UNICAST && !s.Via.IsValid() && len(s.Nexthops) == 0 {
		r.Scope = netlink.SCOPE_LINK // ip route's rule: a direct unicast route is on-link
	}
	r.Dst = &net.IPNet{IP: s.Dst.Addr().AsSlice(), Mask: net.CIDRMask(s.Dst.Bits(), s.Dst.Addr().BitLen())}
	if s.Src.IsValid() {
		r.Src = s.Src.AsSlice()
	}
	if s.Via.IsValid() {
		r.Gw = s.Via.AsSlice()
	}
	if s.OnLink {
		r.Flags |= int(netlink.FLAG_ONLINK)
	}
	dev := s.Dev
	if dev == "" && s.Type == unix.RTN_UNICAST && len(s.Nexthops) == 0 && !s.Via.IsValid() {
		dev = defDev
	}
	if dev != "" {
		i, err := ifindex(dev)
		if err != nil {
			return nil, fmt.Errorf("interface %s: %w", dev, err)
		}
		r.LinkIndex = i
	}
	for _, nh := range s.Nexthops {
		ni := &netlink.NexthopInfo{Hops: nh.Weight - 1}
		if nh.Via.IsValid() {
			ni.Gw = nh.Via.AsSlice()
		}
		if nh.OnLink {
			ni.Flags |= int(netlink.FLAG_ONLINK)
		}
		if nh.Dev != "" {
			i, err := ifindex(nh.Dev)
			if err != nil {
				return nil, fmt.Errorf("nexthop interface %s: %w", nh.Dev, err)
			}
			ni.LinkIndex = i
		}
		r.MultiPath = append(r.MultiPath, ni)
	}
	s.Metrics.apply(r)
	return r, nil
}

func (m routeMetrics) apply(r *netlink.Route) {
	r.MTU, r.MTULock, r.AdvMSS, r.Window, r.Rtt, r.RttVar = m.MTU, m.MTULock, m.AdvMSS, m.Window, m.RTT, m.RTTVar
	r.Reordering, r.Cwnd, r.Ssthresh, r.InitCwnd, r.InitRwnd = m.Reordering, m.Cwnd, m.Ssthresh, m.InitCwnd, m.InitRwnd
	r.RtoMin, r.RtoMinLock, r.Features, r.QuickACK, r.Hoplimit = m.RtoMin, m.RtoMinLock, m.Features, m.QuickACK, m.Hoplimit
	r.FastOpenNoCookie, r.Congctl = m.FastOpenNoCookie, m.Congctl
}

// routeSpecOf prefers the words as written; an entry built in code without
// words falls back to the typed fields.
func routeSpecOf(r vrrp.Route) (routeSpec, error) {
	if len(r.Words) > 0 {
		return parseRouteWords(r.Words)
	}
	w := []string{}
	if r.Type != "" {
		w = append(w, r.Type)
	}
	w = append(w, r.Dst.String())
	add := func(k, v string, ok bool) {
		if ok {
			w = append(w, k, v)
		}
	}
	add("src", r.Src.String(), r.Src.IsValid())
	add("via", r.Via.String(), r.Via.IsValid())
	add("dev", r.Dev, r.Dev != "")
	add("table", strconv.Itoa(r.Table), r.Table != 0)
	add("metric", strconv.Itoa(r.Metric), r.Metric != 0)
	add("scope", r.Scope, r.Scope != "")
	add("proto", r.Proto, r.Proto != "")
	if r.OnLink {
		w = append(w, "onlink")
	}
	return parseRouteWords(w)
}

func linkIndex(name string) (int, error) {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return 0, err
	}
	return l.Attrs().Index, nil
}

// AddRoute installs r; defDev is the instance's interface, used for a
// direct route that names none. A route that is already there is success,
// because reloads and restarts after a crash find their own routes.
func AddRoute(r vrrp.Route, defDev string) error {
	s, err := routeSpecOf(r)
	if err != nil {
		return err
	}
	nr, err := s.toNetlink(defDev, linkIndex)
	if err != nil {
		return fmt.Errorf("route %s: %w", s.Dst, err)
	}
	switch s.Mode {
	case "append", "prepend":
		// Neither flag carries EXCL, so the kernel would add a twin
		// (IPv6) instead of refusing: look first.
		if ok, err := routeExists(nr); err != nil || ok {
			return err
		}
		if s.Mode == "append" {
			err = netlink.RouteAppend(nr)
		} else {
			err = netlink.RouteAddEcmp(nr)
		}
	default:
		err = netlink.RouteAdd(nr)
	}
	if err != nil && !errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("add route %s: %w", s.Dst, err)
	}
	return nil
}

// DelRoute removes r; a route that is not there is not an error.
func DelRoute(r vrrp.Route, defDev string) error {
	s, err := routeSpecOf(r)
	if err != nil {
		return err
	}
	nr, err := s.toNetlink(defDev, linkIndex)
	if err != nil {
		if errors.As(err, new(netlink.LinkNotFoundError)) {
			return nil // its interface is gone, and the route with it
		}
		return fmt.Errorf("route %s: %w", s.Dst, err)
	}
	if err := netlink.RouteDel(nr); err != nil && !errors.Is(err, syscall.ESRCH) && !errors.Is(err, syscall.ENOENT) {
		return fmt.Errorf("remove route %s: %w", s.Dst, err)
	}
	return nil
}

func routeExists(nr *netlink.Route) (bool, error) {
	list, err := netlink.RouteListFiltered(nr.Family, nr,
		netlink.RT_FILTER_DST|netlink.RT_FILTER_TABLE|netlink.RT_FILTER_OIF|netlink.RT_FILTER_GW)
	if err != nil {
		return false, fmt.Errorf("list routes: %w", err)
	}
	for _, x := range list {
		if x.Priority == nr.Priority && x.Type == nr.Type {
			return true, nil
		}
	}
	return false, nil
}
