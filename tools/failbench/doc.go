// Command failbench measures what a client sees when a VRRP master goes
// away, for govrrpd and keepalived side by side in one namespace lab: the
// master crashes (kill) or stops cleanly (term) under VRRPv2 at 1 s and
// VRRPv3 at 100 ms and 10 ms adverts. A client probes the VIP with ICMP
// every 1 ms; the table gives min/median/max takeover and outage per
// implementation, the protocol bound, the ratio of the medians and the
// median of the paired differences.
//
// The two implementations run at the same time on separate routers and
// VRIDs and the runs alternate between them, so machine load drifts hit
// both alike. Run k of a cell takes both masters down at the same phase of
// their advert timers (phase.go). Needs root; bench/failover.sh runs it.
//
// Tooling, not product: nothing outside tools/ and test/ imports it.
package main
