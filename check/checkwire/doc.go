// Package checkwire is the protocol between govrrpd and its HTTP_GET /
// SSL_GET helper, govrrpd-check (internal/checkproc is govrrpd's side,
// check/httpcheck's Serve the helper's). It exists so that the daemon
// links neither net/http nor crypto/tls (docs/scale.md, Session 9).
//
// Two pipes carry frames: a 4-byte big-endian length (at most MaxFrame),
// a type byte, the payload. The helper speaks first, a Hello with its
// Version; govrrpd refuses another version. govrrpd sends a checker's
// settings once (Add, JSON: rare and small), then each attempt as a Probe
// naming the checker and carrying its deadline; the helper answers each
// with a Result (binary: the hot path) and each Add with an Added. Drop
// forgets a checker. Messages of a type this side does not know are
// errors: both sides come from one release.
//
// Tests: wire_test.go round-trips every message; fuzz_test.go fuzzes each
// decoder and the frame reader.
package checkwire
