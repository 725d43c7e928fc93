// Package opsserve is `govrrpd-ops serve`: the operations side that
// govrrpd starts when a connection is pending on its control socket or
// --http-listen (internal/opsproc). It inherits the listeners, accepts
// that connection itself and serves what the daemon served in-process —
// the API with its token middleware and peer credentials, the web console
// with its options, TLS, /metrics — calling the daemon over a socketpair
// (internal/opswire) for every read and action. It exits after an idle
// period without an open connection, and at once when the daemon goes
// away (EOF on the socketpair, or the parent-death signal).
package opsserve
