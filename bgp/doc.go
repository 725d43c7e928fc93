// Package bgp holds what a director announces over BGP and to whom: the
// settings of the govrrpd-only file given with --bgp-config, and the rules
// that decide, from the checkers' and VRRP's verdicts, which prefixes are
// announced at a given moment.
//
// It exists so that several directors can carry one virtual server at once
// (routers spread flows over them by ECMP) with the announcement tied to
// the health checks govrrpd already runs, instead of a second daemon that
// knows nothing of them. The BGP protocol itself is GoBGP's; this package
// has no wire code.
//
// A domain package: it imports nothing of govrrpd's confparse or internal/
// (test/deps enforces it). confparse/bgpconf.go reads the file into a
// Config; internal/bgpspeaker runs it. Tests: table tests for validation,
// conditions and the reload diff.
package bgp
