// Package control is govrrpd's operations API: a versioned JSON API under
// /api/v1/ served over HTTP on a root-only unix socket and, when asked for,
// on a TCP listener that also carries /metrics (and later the web console
// under /ui/). It exists so that an operator, `govrrpd status|plan|ctl` and
// monitoring read one stable schema (internal/status) instead of
// keepalived's dump files, whose format is not guaranteed.
//
// The package knows nothing of the daemon: it serves whatever implements
// Backend, so the event loop stays the only owner of live state and the
// API can be tested against a fake.
package control
