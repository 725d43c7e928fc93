// Command govrrpd-demo is `make demo`: three routers and a client in
// network namespaces on TEST-NET-1, govrrpd on each router with the
// example keepalived.conf (priorities 150/100/50), a client connecting to
// the VIP every 10 ms, then the master crashes and comes back. It prints
// who is master, the takeover and preemption times and what the client
// saw, and removes everything it made, also on Ctrl-C.
//
// Tooling, not product: nothing outside tools/ and test/ imports it.
package main
