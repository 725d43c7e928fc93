// Package bfdsub is govrrpd's BFD subsystem, keepalived's Keepalived_bfd
// child inside the daemon's event loop: it runs a bfd.Session for every
// bfd_instance, sends and receives control packets on UDP 3784 (RFC 5881:
// TTL 255 by default, source ports 49152–65535, the received TTL
// checked), and tells the daemon when a session comes Up or leaves Up, so
// that track_bfd moves VRRP priorities and BFD_CHECK takes real servers
// out.
//
// The subsystem owns no goroutine but its socket readers: received
// packets go to the owner's loop (Options.Deliver, then Receive) and the
// sessions' timers are armed on the owner's timer service (the Timers
// port), so BFD and VRRP share one heap, one wake-up and one order of
// events. Sockets stand behind the Net port (net_linux.go), so the tests
// run whole subsystems against each other over fakes. It may import
// confparse and bfd; nothing imports it but internal/daemon.
package bfdsub
