// Package garp announces virtual addresses to the segment: gratuitous ARP
// for IPv4 and unsolicited neighbour advertisements for IPv6, in exactly
// the form keepalived 2.2.7 sends (captured in testdata/), so that switches
// and hosts that accept keepalived's announcements accept ours.
//
// Of govrrpd it imports only internal/vrrpnet and internal/mmsg (the
// burst's sendmmsg). frame_test.go compares built frames with
// the pcaps in testdata byte for byte, slab_test.go the frames kept ahead of a
// takeover (slab.go) with them; sender_test.go sends in a network
// namespace (root) and skips without one.
package garp
