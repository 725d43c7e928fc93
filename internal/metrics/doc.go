// Package metrics is govrrpd's Prometheus registry. keepalived has no
// native metrics (its users scrape dump files whose format is not
// guaranteed); these follow Prometheus naming and are the supported
// interface.
//
// The package owns what is the process's and no subsystem's: the
// registry, the /metrics handler, build info and the Go runtime and
// process collectors. Each subsystem registers its own collectors when it
// starts (the VRRP executor in internal/daemon, IPVS and checkers in
// internal/lvs, BGP in internal/bgpproc), so a subsystem that does not
// run has no series, and this package imports none of them. Collectors
// read their subsystem's state at scrape time, so the advert path keeps
// plain counter increments: no label lookup, no lock, no allocation per
// advert.
//
// The registry is never the global one, so two daemons in one test binary
// do not collide.
package metrics
