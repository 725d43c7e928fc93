// Package daemon is govrrpd's executor: it loads keepalived.conf, runs one
// event loop that owns every VRRP state machine (vrrp.Machine), and carries
// out the actions the machines return (adverts, addresses, GARPs,
// notifications). It exists so the pure protocol engine never touches the
// operating system, and so the one place that does can be tested without
// root.
//
// The executor stays in this package (no separate internal/executor): the
// loop, the timer service and the reload are one piece of state, and a
// second package would only move the seam. What keeps it testable is that
// it reaches the OS only through the ports in ports.go — advert transport,
// addresses/routes/rules, GARP/NA, the firewall, link and address
// notifications, the timer wake-up, the notify queue and the clock.
// ports_linux.go wires them to the kernel (ports_other.go says "not
// supported"); the tests wire fakes that log every call, and
// executor_test.go diffs those call logs against testdata/executor.
//
// One goroutine owns all machines, so they need no locks and an event is
// handled in microseconds. Inputs reach it as a closed set of events
// (events.go); timers are not events: one heap of deadlines behind one
// timerfd (timers.go), fired before each event is taken, so a flood of
// packets cannot delay a timer by more than one packet's handling.
// Everything slow (notify scripts, tracker probes, reading a file for a
// reload) runs elsewhere and comes back as an event; nothing the loop does
// waits on a peer, and nothing it waits for holds a lock, so adverts go
// out on time under load and reloads cannot deadlock it. The operations
// side reaches it through Snapshot, Maintenance, Drain and Reload (api.go).
//
// Every received packet is judged here, none in the kernel: the sockets
// get a 4 MiB receive buffer and batched reads (vrrpnet), but no
// classic-BPF prefilter (vrrpnet.Filter stays unused). A kernel filter on
// VRID or TTL would drop exactly the packets issue #16 asks to count —
// vrid_err and ip_ttl_err in the dumps are how an operator sees a
// misconfigured neighbour or an attack — and the kernel's drop count
// cannot say why; protocol 112 is all the raw socket receives anyway.
// Drops are counted by reason (rx.go) and never logged per packet.
package daemon
