// Package track probes the objects VRRP instances track — vrrp_script,
// track_file, vrrp_track_process and track_interface — and reports their
// results to the daemon, which turns them into vrrp.TrackerUp /
// vrrp.TrackerValue events for the pure state machines.
//
// Every probe kind runs in its own goroutines so a hung script, a slow /proc
// or a burst of netlink messages never delays another tracker. Results reach
// the daemon through one callback whose invocations are serialised: the
// daemon's callback must only enqueue onto its event loop (a buffered
// channel send), because while it runs every other probe waiting to report
// is held up.
//
// It imports vrrp (the event types) and scriptexec, never confparse or the
// daemon. pure_test.go covers the parsing of track files and
// process_fuzz_test.go that of /proc stat and cmdline, without a kernel;
// the other tests probe real files, processes and links.
package track
