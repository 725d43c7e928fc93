// Package ctlapi is the part of the operations API the daemon itself
// links: the Backend interface the API is served over, the error classes
// that become 404 and 400, the request bodies, and the listeners and
// token file the daemon opens at start. The HTTP server, client and
// middleware (internal/control) and the web console live in the
// govrrpd-ops helper, which the daemon starts when a connection arrives
// (internal/opsproc): net/http, crypto/tls and crypto/x509 cost a daemon
// megabytes of resident memory whether or not anyone asks it anything
// (docs/scale.md, "Session 8: the binary's resident pages").
package ctlapi
