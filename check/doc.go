// Package check runs keepalived's health checkers against real servers and
// reports their results as events for the IPVS reconciler.
//
// It must not import confparse, internal/... or vrrp: the daemon wires
// checkers to IPVS and VRRP, and test/deps enforces the arrows. Tests are
// per checker kind (tcp_test.go, http_test.go, ssl_test.go, smtp_test.go,
// dns_test.go, udp_test.go, ping_test.go, misc_test.go, file_test.go)
// against listeners on loopback, with checktest's fake clock for the
// scheduler; parse_test.go and fuzz_test.go fuzz the reply parsers, and
// e2e_ipvs_test.go runs checkers against the ipvs reconciler.
package check
