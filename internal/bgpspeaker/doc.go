// Package bgpspeaker runs the --bgp-config file: a GoBGP server embedded in
// govrrpd, its sessions with the routers, and the announcements the bgp
// package's conditions allow at each moment.
//
// It lives beside the VRRP executor and the LVS subsystem and reads them
// only through the State function it is given (the daemon's status
// snapshot), so neither waits for BGP. The BGP protocol is GoBGP's
// (github.com/osrg/gobgp/v3); this package converts settings into GoBGP
// calls, decides announce/withdraw, and makes shutdown graceful: the
// prefixes are withdrawn and the peers seen to have the withdrawal before
// the daemon lets its IPVS table go.
//
// Tests (speaker_test.go) run two in-process GoBGP speakers on 127.0.0.x,
// without root: announce on quorum, withdraw on its loss and on Stop, and a
// reload that leaves unchanged sessions alone.
package bgpspeaker
