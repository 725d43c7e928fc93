// Package iproute reads the ip route / ip rule grammar of keepalived's
// virtual_routes, static_routes, virtual_rules and static_rules entries
// into typed values, once for the whole program: confparse validates an
// entry with it (reporting problems at the entry's file:line in
// keepalived's wording) and internal/netconf installs the value it returns.
//
// It is kernel-free: numbers are the kernel's (RTN_*, RT_SCOPE_*, RTPROT_*,
// RTAX_*) written out here, and the only outside state it reads is the
// rt_tables files that give routing tables their names (LookupTable, a
// variable so that tests need not depend on the host).
//
// A domain package: it imports nothing of govrrpd (test/deps enforces it).
// route_test.go and rule_test.go are table tests of the grammar and of the
// problem each bad entry gives; FuzzParseRoute and FuzzParseRule check that
// whatever parses is consistent.
package iproute
