// Command govrrpd-bgp is govrrpd's BGP helper. govrrpd starts it when
// --bgp-config is given and talks to it over two pipes (internal/bgpwire);
// it runs GoBGP, announces and withdraws as govrrpd's conditions say, and
// sends its log records back to govrrpd. GoBGP lives here rather than in
// govrrpd so that a daemon without --bgp-config does not pay for it in
// memory.
//
// It is not for running by hand. It keeps running through the SIGTERM and
// SIGINT that reach a whole service or terminal group (govrrpd stops it
// after withdrawing, in its own order), and stops gracefully when govrrpd
// goes away: the pipe closes, or the kernel's parent-death signal arrives.
//
// Tests: internal/bgpproc runs the built helper against a GoBGP router on
// loopback; internal/bgpspeaker tests what it serves.
package main
