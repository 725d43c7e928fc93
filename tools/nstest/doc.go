// Package nstest gives a test a network namespace of its own, so that
// sockets, addresses and frames it creates never touch the machine's own
// interfaces. It shells out to ip(8), as an operator would, and switches
// one locked OS thread into the namespace to open sockets there; a socket
// stays in the namespace it was opened in, whatever thread uses it later.
//
// Only tests import it; the product never does (test/deps enforces that).
package nstest
