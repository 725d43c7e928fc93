// Command govrrpd-check is govrrpd's HTTP_GET / SSL_GET helper. govrrpd
// starts it while its configuration has such checkers and talks to it
// over two pipes (check/checkwire): it sends each checker's settings once,
// then each attempt with its deadline, and the helper fetches as govrrpd
// did in process (check/httpcheck) and answers with the outcome; govrrpd
// keeps the scheduling, retries and verdicts. net/http, crypto/tls and
// crypto/x509 live here rather than in govrrpd so that a daemon without
// such checkers does not pay for them in memory (docs/scale.md, Session
// 9), as keepalived runs its checkers in a child process of its own.
//
// It is not for running by hand. It ignores the SIGTERM, SIGINT and
// SIGHUP that reach a whole service or terminal group (govrrpd stops it
// by closing its pipe), and exits when govrrpd goes away: the pipe
// closes, or the kernel's parent-death signal arrives.
//
// Tests: internal/checkproc runs the built helper against HTTP and HTTPS
// servers on loopback; check/httpcheck tests what it runs.
package main
