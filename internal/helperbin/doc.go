// Package helperbin finds govrrpd's helper programs (govrrpd-bgp,
// govrrpd-ops, govrrpd-check). Features whose libraries cost every daemon
// memory — GoBGP; net/http, crypto/tls and the web console — live in
// helper binaries the daemon starts when it needs them, so one search
// order for them keeps a build tree, `make install` and the Debian
// package working alike.
package helperbin
