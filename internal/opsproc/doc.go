// Package opsproc is the daemon's side of the operations helper: it keeps
// the control socket and the --http-listen listeners open, waits until one
// of them has a connection pending — without accepting it, with one
// goroutine parked in Go's poller — and then starts `govrrpd-ops serve`
// with the listeners as inherited files and a socketpair over which the
// helper calls the daemon (internal/opswire). The helper accepts the
// connection, serves the API, the web console and /metrics, and exits
// after an idle period; a connection that arrives meanwhile waits in the
// listen backlog for the next helper.
//
// The point is memory: net/http, crypto/tls and crypto/x509 cost a daemon
// megabytes of resident binary whether or not anyone asks it anything
// (docs/scale.md, "Session 8: the binary's resident pages"); most daemons
// are asked something a few times a day, or once a scrape interval.
//
// The daemon answers the helper's calls as it answers the API in-process:
// from its event loop, each bounded by a timeout; the metrics page (whose
// process series describe the daemon) and the console's per-tick sample
// (livefollow: the rows that changed) are computed here. A helper that
// sends a malformed or oversized message, or anything out of turn, is
// logged and stopped; one that crashes is restarted on the next
// connection after a growing pause.
package opsproc
