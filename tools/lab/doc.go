// Package lab builds a throw-away VRRP segment out of network namespaces:
// a switch namespace holding a bridge, N router namespaces and a client
// namespace, each joined to the bridge by a veth pair. Integration tests,
// the demo and the failover benchmarks all use it, so every daemon they run
// lives on TEST-NET addresses inside namespaces this package created, and
// nothing touches the host's own interfaces.
//
// It shells out to iproute2 on purpose: the lab is test scaffolding, and the
// commands it runs are the ones an operator would type to reproduce a
// failure by hand.
//
// Only tests, tools/demo and tools/failbench import it; the product never
// does (test/deps enforces that). lab_test.go builds a small lab (root).
package lab
