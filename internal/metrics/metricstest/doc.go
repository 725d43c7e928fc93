// Package metricstest scrapes a registry the way Prometheus does, for the
// tests of every subsystem that registers collectors: each checks its own
// series through the same handler /metrics serves, and every page scraped
// is parsed by Prometheus's own text parser (expfmt), which the daemon
// does not link.
package metricstest
