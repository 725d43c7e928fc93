// Package check runs keepalived's health checkers against real servers and
// reports their results as events for the IPVS reconciler.
//
// It must not import confparse, internal/... or vrrp: the daemon wires
// checkers to IPVS and VRRP, and test/deps enforces the arrows. Nor does
// it import net/http, crypto/tls or crypto/x509 (test/deps,
// TestOpsImportsStayInOpsPackages): HTTP_GET and SSL_GET are validated
// and judged here (HTTPPlan) but fetched by check/httpcheck, in the
// govrrpd-check helper that the daemon registers with SetHTTP
// (internal/checkproc); a prober that could not ask the server says so
// with Outcome.NoVerdict, which changes no state.
//
// Tests are per checker kind (tcp_test.go, smtp_test.go, dns_test.go,
// udp_test.go, ping_test.go, misc_test.go, file_test.go; HTTP and SSL in
// check/httpcheck) against listeners on loopback, with checktest's fake
// clock for the scheduler (noverdict_test.go for attempts without a
// verdict); parse_test.go and fuzz_test.go fuzz the reply parsers, and
// e2e_ipvs_test.go runs checkers against the ipvs reconciler.
package check
