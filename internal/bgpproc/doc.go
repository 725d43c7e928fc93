// Package bgpproc is govrrpd's side of its BGP helper (cmd/govrrpd-bgp).
// GoBGP and the gRPC and protobuf packages it brings cost every process
// that links them megabytes at start, though most directors never speak
// BGP; so govrrpd links none of it, and this package starts the helper
// only when --bgp-config is given and drives it over internal/bgpwire.
//
// A Proc offers what the daemon used of the in-process speaker: Start,
// Reload, SetState and Kick, Status, Stop, and the govrrpd_bgp_* metrics
// (Prometheus stays here; the helper links none of it). It reads the
// conditions' inputs from the daemon and pushes them to the helper when
// they change. A helper that dies is logged loudly and restarted with
// backoff; the settings and conditions are sent again, so the
// announcements come back, and meanwhile status and metrics show the
// speaker down. Stop keeps the order the daemon relies on: the helper
// withdraws and waits for the peers before Stop returns.
//
// Tests run the built helper against an in-process GoBGP router on
// loopback, without root.
package bgpproc
