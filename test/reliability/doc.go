// Package reliability is the `make reliability` suite (issue #16): govrrpd,
// and keepalived 2.2.7 beside it where that is cheap, in a namespace lab
// with r1 (priority 150) and r2 (100) running the daemon, r3 injecting
// hand-built packets from a raw socket, and a client pinging the VIP. Each
// case injects one kind of hostile input or fault, prints its figure as a
// RESULT line and fails when the figure misses issue #16's target, so a
// regression turns the suite red.
//
// It needs root (network namespaces) and skips otherwise. The lab cases
// run only when GOVRRPD_RELIABILITY says which form: "short" (make
// reliability-short, CI: each flood 5 s, loss 15 s, 3 partition runs) or
// "long" (make reliability, the durations); the soak only when
// GOVRRPD_SOAK gives its length (make soak).
// GOVRRPD_RELIABILITY_OUT names a file the RESULT lines are appended to,
// for docs/reliability.md.
package reliability
