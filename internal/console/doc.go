// Package console is govrrpd's web console: Piranha's monitoring and
// configuration tool brought back on top of the control API. It is
// mounted under /ui/ on the --http-listen listener and reaches the daemon
// only through control.Backend, so every action it offers is one the API
// and `govrrpd ctl` offer too, with the same checks. The one addition is
// a read: the event stream follows the daemon through its Live method
// when the backend has one (internal/livefollow), because a full snapshot a
// second of thousands of instances costs the daemon more than the stream
// may; a backend that samples itself (Sampler: govrrpd-ops, whose daemon
// keeps the follower) is asked for the changed rows instead.
//
// Reading is open to whoever reaches the listener; writes need a session
// obtained with the --http-token-file token, a CSRF token per session, and
// for configuration edits --http-allow-edit as well.
//
// The pages are written by Go code (layout.go, pages_*.go) that escapes
// as html/template does in each context (escape.go), not by templates:
// text/template's reflection made the linker keep every exported method
// of the daemon's binary. The templates they were (testdata/tmpl) remain
// the test's specification: pages_test.go renders each page both ways,
// html/template in the test binary only, and compares the bytes.
package console
