// Package metricshttp serves the /metrics page over HTTP. It is apart from
// internal/metrics, which the daemon links, because net/http is not: the
// daemon renders the page (its registry and its process's series) and the
// govrrpd-ops helper serves it (docs/scale.md, "Session 9").
package metricshttp
