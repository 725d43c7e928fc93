package confparse

import (
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
)

// A refused value in the --bgp-config file leaves what was there before:
// the default, or the good value of an earlier line (as keepalived.conf
// keywords do), never the zero value of the failed read.
func TestBGPRefusedValueKeepsEarlier(t *testing.T) {
	runBGPRows(t, []bgpRow{
		{"shutdown_grace bad keeps 2 s default", bgpGlob("shutdown_grace 61"),
			func(c *bgp.Config) bool { return c.ShutdownGrace == 2*time.Second },
			[]want{warnAt(4, "shutdown_grace: number '61' outside range")}},
		{"shutdown_grace bad after good", bgpGlob("shutdown_grace 5\nshutdown_grace soon"),
			func(c *bgp.Config) bool { return c.ShutdownGrace == 5*time.Second },
			[]want{warnAt(5, "shutdown_grace: invalid time 'soon'")}},
		{"local_as bad after good", bgpGlob("local_as 0"),
			func(c *bgp.Config) bool { return c.LocalAS == 65001 },
			[]want{warnAt(4, "local_as: invalid AS number '0'")}},
		{"router_id IPv6 after good", bgpGlob("router_id 2001:db8::1"),
			func(c *bgp.Config) bool { return c.RouterID == netip.MustParseAddr("192.0.2.1") },
			[]want{warnAt(4, "router_id: '2001:db8::1' is not an IPv4 address")}},
		{"listen_port bad after good", bgpGlob("listen_port 1790\nlisten_port 70000"),
			func(c *bgp.Config) bool { return c.ListenPort == 1790 },
			[]want{warnAt(5, "listen_port: number '70000' outside range [1, 65535]")}},
		{"listen_address bad after good", bgpGlob("listen_address 192.0.2.9\nlisten_address here"),
			func(c *bgp.Config) bool { return c.ListenAddress == netip.MustParseAddr("192.0.2.9") },
			[]want{warnAt(5, "listen_address: invalid IP address 'here'")}},
		{"remote_as bad after good keeps the neighbour", bgpNb("remote_as sixty"),
			nb1(func(n bgp.Neighbor) bool { return n.AS == 1 }),
			[]want{warnAt(10, "remote_as: invalid AS number 'sixty'")}},
		{"a lone bad remote_as drops the neighbour", bgpHead + "neighbor 198.51.100.2 {\n remote_as sixty\n}\n",
			func(c *bgp.Config) bool { return len(c.Neighbors) == 1 },
			[]want{warnAt(9, "remote_as: invalid AS number 'sixty'"), warnAt(8, "neighbor 198.51.100.2: remote_as is required")}},
		{"port bad after good", bgpNb("port 1179\nport 0"),
			nb1(func(n bgp.Neighbor) bool { return n.Port == 1179 }),
			[]want{warnAt(11, "port: number '0' outside range [1, 65535]")}},
		{"local_address bad after good", bgpNb("local_address 198.51.100.9\nlocal_address there"),
			nb1(func(n bgp.Neighbor) bool { return n.LocalAddress == netip.MustParseAddr("198.51.100.9") }),
			[]want{warnAt(11, "local_address: invalid IP address 'there'")}},
	})
}
