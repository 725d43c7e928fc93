// Command bgpbench measures what a director's death costs with govrrpd's
// BGP scale-out (issue #18) against keepalived's one active director
// (VRRP), in the namespace lab (root; never linked into the product):
//
//   - for N = 2, 3, 4 directors announcing 192.0.2.200/32 over eBGP with
//     timers 3/9 s to FRR (or BIRD, -router bird): the time from the
//     director's death (its link cut, then govrrpd killed) to the router's
//     FIB without its next hop, and the client connections that break —
//     the dead director's, and the survivors' that the router rehashes;
//   - in the same run, keepalived with the same 1,000 connections on its
//     master, killed the same way: the time until the backup holds the VIP
//     and the connections lost.
//
// It prints one row per setting with the ratio of connections lost to
// keepalived's, and pass/miss: pass when a death costs fewer connections
// than keepalived's and the next hop goes within the hold time + 1 s.
// docs/scale-out.md carries its figures. The govrrpd it runs
// (-govrrpd, $GOVRRPD_BIN) finds its BGP helper beside it, as make build
// leaves bin/govrrpd-bgp.
package main
