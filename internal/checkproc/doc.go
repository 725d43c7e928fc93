// Package checkproc is govrrpd's side of its HTTP_GET / SSL_GET helper
// (cmd/govrrpd-check). Fetching over HTTP and TLS needs net/http,
// crypto/tls and crypto/x509, which cost the daemon 1.6 MiB resident
// whether or not a checker uses them (docs/scale.md, Session 9); so
// govrrpd links none of them, and a Client registered with check.SetHTTP
// builds probers that forward each attempt to the helper over
// check/checkwire.
//
// The helper starts with the first such checker and stops a moment after
// the last one is closed (a reload that leaves none). Each checker's
// settings go to the helper once; an attempt names the checker and
// carries its deadline. A helper that dies is no verdict on the servers:
// the attempts under way and those until it is back return
// check.Outcome.NoVerdict, which the scheduler records nowhere, and it is
// restarted with backoff (logged each time), its checkers sent again. A
// helper that cannot be started at all is logged at every attempt.
//
// Building a prober waits for the helper's word on the checker, so that
// settings only the helper can load (a certificate or key that does not
// parse, a wrong password) fail the scheduler's build, and with it the
// reload, as building them in process did.
//
// An attempt costs the daemon no goroutine and no timer of its own (the
// probers are check.AsyncProber): the checker's timer sends it, the pipe
// reader finishes it with the helper's result. One ticker per helper
// gives no verdict to attempts past their deadline and a grace (a hung
// helper), and one context hook per scheduler to those under way when it
// stops (docs/scale.md, Session 9, branch h63-checkipc, has the figures).
//
// Tests build the helper and run it against HTTP and HTTPS servers on
// loopback, without root.
package checkproc
