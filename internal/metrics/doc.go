// Package metrics exposes govrrpd's state to Prometheus. Every collector
// reads the daemon's snapshot (internal/status) at scrape time, so the
// advert path keeps plain counter increments: no label lookup, no lock,
// no allocation per advert. keepalived has no native metrics (its users
// scrape dump files whose format is not guaranteed); these follow
// Prometheus naming and are the supported interface.
//
// One collector per subsystem (vrrp, ipvs, check, reload) registers on a
// registry of its own, never the global one, so two daemons in one test
// binary do not collide.
package metrics
