// Package vrrpnet is the OS side of VRRP transport: raw IP protocol-112
// sockets, one per interface and address family, shared by every instance
// on that interface. It knows nothing of the protocol beyond the TTL and
// addressing rules of RFC 5798 §5.1; encoding and checks live in vrrp.
// A socket's batches of adverts leave through a second socket of its own
// that nothing waits on and that receives nothing (sender_linux.go); on
// IPv4 they carry the IP header the batch writes.
//
// It imports nothing of govrrpd; socket_linux_test.go and reader_linux_test.go
// send and receive in a network namespace of their own (root) and skip
// without one.
package vrrpnet
