// Package bfd is Bidirectional Forwarding Detection (RFC 5880, single hop
// per RFC 5881, asynchronous mode) with no sockets and no clocks: the
// control-packet codec, keepalived's
// bfd_instance settings and the per-session state machine. A daemon reads
// the clock, receives datagrams, feeds typed events to a Session and
// carries out the actions it returns (send a packet, arm or stop a timer,
// report a state change), so that every run can be replayed exactly.
//
// keepalived runs BFD so that a VRRP instance or a real server learns
// within tens of milliseconds that a next hop is gone; this package is that
// protocol for govrrpd. Authentication, demand mode and the echo function
// are not implemented, as in keepalived: packets carrying an
// authentication section are refused with an error.
//
// A domain package: it imports nothing of govrrpd (test/deps enforces
// it). Its goldens are testdata/scenarios (scripted runs of one or two
// linked sessions, session_scenario_test.go, regenerated with -update);
// FuzzDecode fuzzes the decoder.
package bfd
