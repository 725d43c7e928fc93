// Package mmsg sends a batch of datagrams with one sendmmsg(2) (Linux).
//
// Thousands of VRRP instances advertise within the same millisecond and a
// mass takeover announces thousands of addresses: a system call per
// datagram made the Go runtime's hand-offs around each call (sysmon
// retaking the processor, another thread spinning up) a third of a
// master's CPU at 4,080 instances. A batch is sent with a raw system
// call, which the scheduler does not hand off: the socket is non-blocking,
// and when the kernel would block the send waits on the runtime's poller
// (Send) or, for a socket the poller does not watch, in poll(2) (SendFD).
//
// It depends on nothing of govrrpd's. Tests: mmsg_linux_test.go (a
// namespace's loopback, root only).
package mmsg
