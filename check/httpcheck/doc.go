// Package httpcheck fetches for HTTP_GET and SSL_GET: keepalived's GET
// request, the response read with net/http's parser, TLS with the global
// SSL {} block's CA and client certificate, and keepalived's MD5 digest of
// the body. The verdict is check's (check.HTTPPlan).
//
// It is apart from check because net/http, crypto/tls and crypto/x509 cost
// every process that links them 1.6 MiB resident, whether or not a checker
// uses them (docs/scale.md, "Session 8: the binary's resident pages"):
// govrrpd links check, and the govrrpd-check helper it starts while such
// checkers exist links this package (Serve, serve.go), as do `genhash`
// and tests.
//
// Tests: http_test.go and ssl_test.go probe httptest servers on loopback;
// fuzz_test.go fuzzes the response reader; serve_test.go drives Serve over
// pipes as govrrpd does.
package httpcheck
