//go:build !linux

package vrrpnet

import (
	"fmt"
	"net"
	"runtime"
)

// Socket is a protocol-112 socket; this package opens them only on Linux
// (SO_BINDTODEVICE, SO_TIMESTAMPNS, recvmmsg and the socket filter are
// Linux's).
type Socket struct {
	Iface      *net.Interface
	Family     int
	ReadBuffer int
}

// Open fails: VRRP sockets are not supported on this OS.
func Open(ifname string, family int) (*Socket, error) {
	return nil, fmt.Errorf("vrrp socket on %s (IPv%d): not supported on %s", ifname, family, runtime.GOOS)
}
