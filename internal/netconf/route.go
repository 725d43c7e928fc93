package netconf

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/iproute"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Routes of virtual_routes / static_routes. keepalived hands the entry's
// words to its own copy of ip-route's grammar, so govrrpd reads the words
// (iproute) rather than the handful of typed fields confparse keeps:
// metrics, multipath and types live only in the words.

// readRoute reads a route entry for installing: anything keepalived
// would drop, or that govrrpd cannot install as written, is an error.
func readRoute(w []string) (iproute.Route, error) {
	s, ps := iproute.ParseRoute(w)
	if err := ps.Err(); err != nil {
		return s, fmt.Errorf("route %q: %w", strings.Join(w, " "), err)
	}
	return s, nil
}

// toNetlink resolves interface names with ifindex and builds the request.
// defDev is used when a direct unicast route (no gateway, no nexthops)
// names no device: the kernel could not place it otherwise.
func routeToNetlink(s iproute.Route, defDev string, ifindex func(string) (int, error)) (*netlink.Route, error) {
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
	applyMetrics(r, s.Metrics)
	return r, nil
}

func applyMetrics(r *netlink.Route, m iproute.Metrics) {
	r.MTU, r.MTULock, r.AdvMSS, r.Window, r.Rtt, r.RttVar = m.MTU, m.MTULock, m.AdvMSS, m.Window, m.RTT, m.RTTVar
	r.Reordering, r.Cwnd, r.Ssthresh, r.InitCwnd, r.InitRwnd = m.Reordering, m.Cwnd, m.Ssthresh, m.InitCwnd, m.InitRwnd
	r.RtoMin, r.RtoMinLock, r.Features, r.QuickACK, r.Hoplimit = m.RtoMin, m.RtoMinLock, m.Features, m.QuickACK, m.Hoplimit
	r.FastOpenNoCookie, r.Congctl = m.FastOpenNoCookie, m.Congctl
}

// routeSpecOf prefers the words as written; an entry built in code without
// words falls back to the typed fields.
func routeSpecOf(r vrrp.Route) (iproute.Route, error) {
	if len(r.Words) > 0 {
		return readRoute(r.Words)
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
	return readRoute(w)
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
	nr, err := routeToNetlink(s, defDev, linkIndex)
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
	nr, err := routeToNetlink(s, defDev, linkIndex)
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
