// Package bgptest is for tests of govrrpd's BGP side: a plain GoBGP server
// on loopback standing in for FRR or BIRD, and the test settings that
// speak to it. The speaker's own tests and the helper's (internal/bgpproc,
// which runs the built govrrpd-bgp) share it.
package bgptest
