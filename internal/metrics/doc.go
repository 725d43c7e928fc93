// Package metrics is govrrpd's Prometheus registry and its /metrics page.
// keepalived has no native metrics (its users scrape dump files whose
// format is not guaranteed); these follow Prometheus naming and are the
// supported interface.
//
// The package owns what is the process's and no subsystem's: the
// registry, the text writer (the HTTP handler is metricshttp), build info and the Go runtime's and the
// process's series. Each subsystem registers its own collectors when it
// starts (the VRRP executor in internal/daemon, IPVS and checkers in
// internal/lvs, BGP in internal/bgpproc), so a subsystem that does not
// run has no series, and this package imports none of them. Collectors
// read their subsystem's state at scrape time, so the advert path keeps
// plain counter increments: no label lookup, no lock, no allocation per
// advert.
//
// It writes the text exposition format itself rather than link
// Prometheus's client library: that library, its protobuf model and its
// process collector cost every daemon about 2 MB resident at idle,
// whether or not anything scrapes it (docs/scale.md, "Session 5"). The
// page is the one client_golang served, family for family and byte for
// byte in its format (testdata/process.prom, cmd/govrrpd's
// testdata/metrics.prom; the tests parse every page with Prometheus's
// own parser).
package metrics
