package main

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// dest is one real server of the director's IPVS service, as the kernel
// lists it.
type dest struct {
	addr   netip.AddrPort
	weight int
}

// parseDests reads the IPv4 real servers of /proc/net/ip_vs in the
// kernel's order (the order mh fills its table in):
//
//	TCP  C00002C8:0050 mh
//	  -> C6336417:0050      Route   1      0          0
//
// The header lines and IPv6 entries are skipped; a malformed IPv4 entry
// is an error.
func parseDests(b []byte) ([]dest, error) {
	var out []dest
	for i, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || f[0] != "->" || f[1] == "RemoteAddress:Port" || len(f[1]) != 13 {
			continue
		}
		a, err := hex.DecodeString(f[1][:8])
		port, perr := strconv.ParseUint(f[1][9:], 16, 16)
		w, werr := strconv.Atoi(f[3])
		if err != nil || perr != nil || werr != nil || f[1][8] != ':' {
			return nil, fmt.Errorf("line %d: %q", i+1, l)
		}
		out = append(out, dest{netip.AddrPortFrom(netip.AddrFrom4([4]byte(a)), uint16(port)), w})
	}
	return out, nil
}

func (g *daemon) dests() ([]dest, error) {
	var b []byte
	if err := inNS(g.node.ns, func() (err error) { b, err = os.ReadFile("/proc/thread-self/net/ip_vs"); return err }); err != nil {
		return nil, fmt.Errorf("%s: %w", g.node.name, err)
	}
	return parseDests(b)
}

// waitDests polls the director's table until ok says so.
func (g *daemon) waitDests(what string, limit time.Duration, ok func([]dest) bool) error {
	deadline := time.Now().Add(limit)
	for {
		ds, err := g.dests()
		if err != nil {
			return err
		}
		if ok(ds) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: after %v the table is %s, not %s; log:\n%s", g.node.name, limit, order(ds), what, tail(g.log))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// order names the real servers in the kernel's order, with their weights.
func order(ds []dest) string {
	var s []string
	for _, d := range ds {
		s = append(s, fmt.Sprintf("%s(%d)", d.addr.Addr(), d.weight))
	}
	return strings.Join(s, " ")
}

// flap makes real server rs fail director g's health check and come back:
// a blackhole route to it in the director's namespace, until the check
// has taken it out (or to weight 0, with inhibit_on_failure), then gone
// until the check has put it back. The other directors saw nothing.
func flap(g *daemon, rs string, inhibit bool) error {
	addr := netip.MustParseAddr(rs)
	weight := func(ds []dest) int {
		for _, d := range ds {
			if d.addr.Addr() == addr {
				return d.weight
			}
		}
		return -1 // not in the table
	}
	h, err := g.node.handle()
	if err != nil {
		return err
	}
	defer h.Close()
	route := &netlink.Route{Dst: ipNet(rs + "/32"), Type: unix.RTN_BLACKHOLE}
	if err := h.RouteAdd(route); err != nil {
		return fmt.Errorf("%s: blackhole %s: %w", g.node.name, rs, err)
	}
	down, what := -1, rs+" gone"
	if inhibit {
		down, what = 0, rs+" at weight 0"
	}
	if err := g.waitDests(what, time.Minute, func(ds []dest) bool { return weight(ds) == down }); err != nil {
		return err
	}
	if err := h.RouteDel(route); err != nil {
		return fmt.Errorf("%s: blackhole %s: %w", g.node.name, rs, err)
	}
	return g.waitDests(rs+" back at weight 1", time.Minute, func(ds []dest) bool { return weight(ds) == 1 })
}
