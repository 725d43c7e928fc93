// Package lvs is govrrpd's load-balancing side, keepalived's
// Keepalived_healthcheckers child: the IPVS reconciler, the health-checker
// scheduler between them, lvs_sync_daemon following its VRRP instance, and
// what operators see of it (dump, status snapshot, drain, reload plan).
//
// It lives apart from the VRRP executor (internal/daemon) so that neither
// waits for the other: applying a large table, a burst of checker verdicts
// or a slow netlink call runs on the subsystem's own goroutine and never
// delays an advert, and the executor only calls Start, Reload, Stop and the
// read-only methods. The one conversion of a checker verdict into an IPVS
// health change (HealthOf) is here, so every consumer applies the same
// fields.
package lvs
