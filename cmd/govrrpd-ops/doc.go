// Command govrrpd-ops is govrrpd's helper for the operator's side: the
// HTTP API, the web console and the /metrics page on the daemon's control
// socket and --http-listen, and the status, plan, ctl and genhash
// commands. net/http, crypto/tls and crypto/x509 live here rather than in
// govrrpd so that a daemon nobody is asking anything of does not pay for
// them in memory (docs/scale.md, "The operator's side in a helper").
//
// govrrpd runs it: `govrrpd status` and the other commands replace
// themselves with it, and the daemon starts it when a connection arrives
// on a listener it keeps. It is not meant to be run by hand, though its
// commands work when it is.
//
// Each mode registers itself from an init function in its own file
// (ops.go: status and plan; ctl.go; genhash.go). The commands' tests run
// them in process through dispatch against controltest's fake daemon on a
// control socket, with their goldens in testdata; cmd/govrrpd's tests run
// both binaries to show `govrrpd VERB` is `govrrpd-ops VERB`.
package main
