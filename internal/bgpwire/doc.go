// Package bgpwire is the protocol between govrrpd and its BGP helper
// (cmd/govrrpd-bgp). GoBGP, with the gRPC and protobuf packages it pulls
// in, costs every daemon megabytes of resident memory at start; running it
// in a helper that only --bgp-config starts keeps that cost off the 99 %
// of daemons that never speak BGP.
//
// The two processes share a pair of pipes: one JSON message per line,
// each carrying the protocol version. govrrpd sends the settings (at start
// and on reload), the conditions' inputs as they change, status requests
// and the final stop; the helper answers each request by its id and sends
// its log records, which govrrpd logs as its own. The messages carry the
// neighbours' passwords, so they are never logged.
//
// Tests: table tests of the codec and the log relay, and a fuzz target on
// the decoder (the helper's input is another program's output).
package bgpwire
