// Package vrrpnet is the OS side of VRRP transport: raw IP protocol-112
// sockets, one per interface and address family, shared by every instance
// on that interface. It knows nothing of the protocol beyond the TTL and
// addressing rules of RFC 5798 §5.1; encoding and checks live in vrrp.
//
// It imports nothing of govrrpd; socket_test.go sends and receives in a
// network namespace of its own (root) and skips without one.
package vrrpnet
