package iproute

import (
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// The kernel's numbers (linux/rtnetlink.h, linux/fib_rules.h, netinet/in.h),
// written out so that the package builds and tests on any GOOS.
const (
	RTNUnicast     = 1
	RTNLocal       = 2
	RTNBroadcast   = 3
	RTNAnycast     = 4
	RTNMulticast   = 5
	RTNBlackhole   = 6
	RTNUnreachable = 7
	RTNProhibit    = 8
	RTNThrow       = 9
	RTNNAT         = 10

	ScopeUniverse = 0
	ScopeSite     = 200
	ScopeLink     = 253
	ScopeHost     = 254
	ScopeNowhere  = 255

	ProtoBoot = 3

	TableDefault = 253
	TableMain    = 254
	TableLocal   = 255

	// FRActNop is FR_ACT_NOP, the rule action `nop`.
	FRActNop = 3
	// RTAXFeatureECN is the only route feature ip route knows by name.
	RTAXFeatureECN = 1
)

var routeTypes = map[string]int{
	"unicast": RTNUnicast, "local": RTNLocal, "broadcast": RTNBroadcast, "anycast": RTNAnycast,
	"multicast": RTNMulticast, "blackhole": RTNBlackhole, "unreachable": RTNUnreachable,
	"prohibit": RTNProhibit, "throw": RTNThrow, "nat": RTNNAT,
}

var scopeNames = map[string]int{"global": ScopeUniverse, "universe": ScopeUniverse, "site": ScopeSite,
	"link": ScopeLink, "host": ScopeHost, "nowhere": ScopeNowhere}

var protoNames = map[string]int{"unspec": 0, "redirect": 1, "kernel": 2, "boot": ProtoBoot, "static": 4,
	"ra": 9, "dhcp": 16, "keepalived": 18, "babel": 42, "bgp": 186, "isis": 187, "ospf": 188, "rip": 189,
	"eigrp": 192}

var ipProtos = map[string]int{"tcp": 6, "udp": 17, "icmp": 1, "ipv6-icmp": 58, "icmpv6": 58, "sctp": 132,
	"gre": 47, "esp": 50, "ah": 51, "udplite": 136, "vrrp": 112}

// LookupTable resolves a routing table name from iproute2's rt_tables
// files, as keepalived and ip do.
var LookupTable = func(name string) (int, bool) {
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
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == name && !strings.HasPrefix(f[0], "#") {
			n, err := strconv.ParseUint(f[0], 0, 32)
			return int(n), err == nil
		}
	}
	return 0, false
}

// table knows the reserved names, numbers and rt_tables names.
func table(v string) (int, bool) {
	switch v {
	case "main":
		return TableMain, true
	case "local":
		return TableLocal, true
	case "default":
		return TableDefault, true
	}
	if n, ok := atoiIn(v, 0, 1<<32-1); ok {
		return n, true
	}
	return LookupTable(v)
}

func atoiIn(v string, lo, hi int) (int, bool) {
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= lo && n <= hi
}

// atoiBase accepts decimal or 0x hex, as tos and fwmark values are written.
func atoiBase(v string, hi uint64) (int, bool) {
	n, err := strconv.ParseUint(v, 0, 64)
	return int(n), err == nil && n <= hi
}

func nameOrNumber(names map[string]int, v string, hi int) (int, bool) {
	if n, ok := names[v]; ok {
		return n, true
	}
	return atoiIn(v, 0, hi)
}

// realm reads REALM or FROM/TO, numbers only (rt_realms names are not
// read).
func realm(v string) (int, bool) {
	from, to, two := strings.Cut(v, "/")
	if !two {
		return atoiIn(v, 0, 0xffff)
	}
	f, ok1 := atoiIn(from, 0, 0xffff)
	t, ok2 := atoiIn(to, 0, 0xffff)
	return f<<16 | t, ok1 && ok2
}

// numRange reads N or N-M.
func numRange(v string, hi int) (lo, up int, ok bool) {
	a, b, two := strings.Cut(v, "-")
	lo, ok = atoiIn(a, 0, hi)
	if !ok || !two {
		return lo, lo, ok
	}
	up, ok = atoiIn(b, lo, hi)
	return lo, up, ok
}

// Prefix reads an address or prefix as ip does: an address is a host
// prefix, a v4-mapped address is IPv4, and host bits are cleared.
func Prefix(v string) (netip.Prefix, bool) {
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

// DefaultPrefix is `default` in family 4 or 6.
func DefaultPrefix(family int) netip.Prefix {
	if family == 6 {
		return netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	}
	return netip.PrefixFrom(netip.IPv4Unspecified(), 0)
}

func familyOf(ip netip.Addr) int {
	if ip.Is4() {
		return 4
	}
	return 6
}

// rttValue follows ip-route: a bare number goes to the kernel as is; with
// a unit it is milliseconds, scaled to the kernel's 1/8 ms (rtt) and
// 1/4 ms (rttvar) units.
func rttValue(opt, v string) (int, bool) {
	units := []struct {
		suffix string
		ms     float64
	}{{"msecs", 1}, {"msec", 1}, {"ms", 1}, {"usecs", 0.001}, {"usec", 0.001}, {"us", 0.001},
		{"secs", 1000}, {"sec", 1000}, {"s", 1000}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil || f < 0 || f > 1<<31 {
				return 0, false
			}
			ms := int(f * u.ms)
			switch opt {
			case "rtt":
				return ms * 8, true
			case "rttvar":
				return ms * 4, true
			}
			return ms, true
		}
	}
	return atoiIn(v, 0, 1<<31-1)
}
