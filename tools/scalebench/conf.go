package main

import (
	"fmt"
	"net/netip"
	"strings"
)

// Priorities of the two routers: r1 must end up master of every instance.
const (
	prioMaster = 150
	prioBackup = 100
)

// layout is one variant of the benchmark: links × vrids instances per router.
type layout struct {
	Links, VRIDs int
}

func (l layout) instances() int { return l.Links * l.VRIDs }

func (l layout) String() string { return fmt.Sprintf("%dx%d", l.Links, l.VRIDs) }

// linkName is the name of link i on both routers.
func linkName(i int) string { return fmt.Sprintf("sb%d", i) }

// linkAddr is router r's (1 or 2) own address on link i: 198.19.i.r/24,
// beside the VIP range so no VIP is ever a router's primary address.
func linkAddr(i, r int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 19, byte(i), byte(r)}), 24)
}

// vip is the one address of instance (link i, vrid v): 198.18.i.v, from
// the benchmark range 198.18.0.0/15.
func vip(i, v int) netip.Addr { return netip.AddrFrom4([4]byte{198, 18, byte(i), byte(v)}) }

// isVIP reports whether a belongs to the benchmark's VIP range.
func isVIP(a netip.Addr) bool {
	return a.Is4() && a.As4()[0] == 198 && a.As4()[1] == 18
}

// config is the keepalived.conf both daemons read on one router.
func config(router string, prio int, l layout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "global_defs {\n    router_id %s\n}\n", router)
	for i := 0; i < l.Links; i++ {
		for v := 1; v <= l.VRIDs; v++ {
			fmt.Fprintf(&b, `vrrp_instance VI_%d_%d {
    state BACKUP
    interface %s
    virtual_router_id %d
    priority %d
    advert_int 1
    virtual_ipaddress {
        %s/32
    }
}
`, i, v, linkName(i), v, prio, vip(i, v))
		}
	}
	return b.String()
}
