// Command bfdbench measures how long a VIP takes to move when the gateway
// its master tracks with track_bfd dies: BFD 50 ms × 3 against keepalived
// 2.2.7's BFD child on the gateway, VRRPv3 at 100 ms, for govrrpd and for
// keepalived on the same two routers of one namespace lab, alternating
// trial by trial so load drifts hit both alike. It prints each trial, the
// medians, their ratio, the target (detection + the backup's
// Master_Down_Interval + 10 ms) with pass/miss, and a ROW line for
// benchreport. Needs root.
//
// Tooling, not product: nothing outside tools/ and test/ imports it.
package main
