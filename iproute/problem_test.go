package iproute

import (
	"slices"
	"strings"
	"testing"
)

// Each bad entry gives keepalived's message at the level that decides
// whether keepalived keeps it and whether the installer refuses it.
func TestProblems(t *testing.T) {
	type pr = Problem
	cases := []struct {
		kind, in string
		want     []Problem
	}{
		{"route", "192.0.2.0/24 dev eth0", nil},
		{"route", "dev eth0", []pr{{Skip, "Route has no destination - skipping"}}},
		{"route", "to", []pr{{Skip, "route option to needs a value"}}},
		{"route", "192.0.2.0/24 via", []pr{{Invalid, "route option via needs a value"}}},
		{"route", "192.0.2.0/24 via inet", []pr{{Skip, "route option via needs a value"}}},
		{"route", "192.0.2.0/24 via nonsense", []pr{{Skip, "VRRP parsed invalid IP nonsense. skipping IP..."}}},
		{"route", "192.0.2.0/24 gw 192.0.2.1", []pr{{Deprecated, `"gw" for routes is deprecated. Please use "via"`}}},
		{"route", "192.0.2.0/24 or 192.0.2.1", []pr{{Deprecated, `"or" for routes is deprecated. Please use "nexthop"`}}},
		{"route", "192.0.2.0/24 table nosuch", []pr{{Invalid, "Routing table nosuch not found for route"}}},
		{"route", "192.0.2.0/24 metric x", []pr{{Invalid, "Invalid metric x"}}},
		{"route", "192.0.2.0/24 bogus 3", []pr{{Skip, "VRRP parsed invalid IP bogus. skipping IP..."}, {Skip, "unknown route keyword bogus"}}},
		{"route", "198.51.100.0/33 dev eth0", []pr{{Invalid, "Invalid address prefix len 33 for address 198.51.100.0/33 - using 32"}}},
		{"route", "2001:db8::/129 dev eth0", []pr{{Invalid, "Invalid address prefix len 129 for address 2001:db8::/129 - using 128"}}},
		{"route", "192.0.2.0/24 proto static", []pr{{Skip, "VRRP parsed invalid IP proto. skipping IP..."}, {Skip, "unknown route keyword proto"}}},
		{"route", "192.0.2.0/24 via 2001:db8::1", []pr{{Skip, "Cannot mix IPv4 and IPv6 addresses for route"}}},
		{"route", "192.0.2.0/24 scope galaxy", []pr{{Unsupported, "invalid route scope galaxy"}}},
		{"route", "192.0.2.0/24 expires 5", []pr{{Unsupported, "route option expires is not supported by govrrpd here"}}},
		{"route", "192.0.2.0/24 mtu lock", []pr{{Invalid, "route option mtu needs a value"}}},
		{"route", "192.0.2.0/24 features sack", []pr{{Unsupported, "unknown route feature sack"}}},
		{"route", "192.0.2.0/24 to 198.51.100.0/24", []pr{{Unsupported, "route has a second destination 198.51.100.0/24"}}},
		{"rule", "from 192.0.2.0/24 table 5", nil},
		{"rule", "from", []pr{{Skip, "rule option from needs a value"}}},
		{"rule", "to x table 5", []pr{{Skip, "VRRP parsed invalid IP x. skipping IP..."}, {Skip, "Invalid rule to address x"}}},
		{"rule", "table nosuch", []pr{{Invalid, "Routing table nosuch not found for rule"}}},
		{"rule", "table 5 pref x", []pr{{Invalid, "Invalid rule preference x"}}},
		{"rule", "table 5 frobnicate", []pr{{Invalid, "Unknown rule option frobnicate"}}},
		{"rule", "table 5 l3mdev", []pr{{Unsupported, "rule option l3mdev is not supported by govrrpd"}}},
		{"rule", "table 5 dport 70000", []pr{{Unsupported, "invalid rule dport 70000"}}},
		{"rule", "from 192.0.2.1 to 2001:db8::1 table 5", []pr{{Skip, "rule specification has mixed IPv4 and IPv6"}}},
		{"rule", "from 192.0.2.1 preference 4", []pr{{Skip, "No action specified for rule - ignoring"}}},
	}
	for _, c := range cases {
		var got Problems
		if c.kind == "route" {
			_, got = ParseRoute(strings.Fields(c.in))
		} else {
			_, got = ParseRule(strings.Fields(c.in))
		}
		if !slices.Equal(got, Problems(c.want)) {
			t.Errorf("%s %q: problems %+v, want %+v", c.kind, c.in, got, c.want)
		}
		skip := slices.ContainsFunc(c.want, func(p Problem) bool { return p.Level == Skip })
		refused := slices.ContainsFunc(c.want, func(p Problem) bool { return p.Level >= Unsupported })
		if got.Skip() != skip || (got.Err() != nil) != refused {
			t.Errorf("%s %q: Skip %v Err %v, want skip %v refused %v", c.kind, c.in, got.Skip(), got.Err(), skip, refused)
		}
	}
}

// `default` is a destination like any other: 0.0.0.0/0, or ::/0 once an
// IPv6 address or inet6 says so, wherever in the entry that comes.
func TestDefaultDestination(t *testing.T) {
	for in, want := range map[string]string{
		"default via 192.0.2.1 table 1":         "0.0.0.0/0",
		"default via 2001:db8::1 table 1":       "::/0",
		"inet6 default dev eth0":                "::/0",
		"default dev eth0 inet6":                "::/0",
		"to default via 192.0.2.1":              "0.0.0.0/0",
		"unreachable default table 5":           "0.0.0.0/0",
		"blackhole any src 2001:db8::5 table 9": "::/0",
	} {
		r, ps := ParseRoute(strings.Fields(in))
		if len(ps) != 0 || r.Dst.String() != want {
			t.Errorf("%q: dst %s problems %v, want %s", in, r.Dst, ps, want)
		}
	}
}
