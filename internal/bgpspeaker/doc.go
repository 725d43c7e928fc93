// Package bgpspeaker runs the --bgp-config file: a GoBGP server, its
// sessions with the routers, and the announcements the bgp package's
// conditions allow at each moment. It runs in govrrpd's BGP helper
// process (cmd/govrrpd-bgp, started by internal/bgpproc), so that the
// daemon itself links no GoBGP; Serve is the helper's side of
// internal/bgpwire.
//
// It reads the daemon's verdicts only through the State function it is
// given (in the helper, what govrrpd last pushed), so neither waits for
// the other. The BGP protocol is GoBGP's (github.com/osrg/gobgp/v3); this
// package converts settings into GoBGP calls, decides announce/withdraw,
// and makes shutdown graceful: the prefixes are withdrawn and the peers
// seen to have the withdrawal before the daemon lets its IPVS table go.
//
// Tests: a plain GoBGP server on loopback stands in for the routers
// (bgptest), without root: announce on quorum, withdraw on its loss and on
// Stop, and a reload that leaves unchanged sessions alone.
package bgpspeaker
