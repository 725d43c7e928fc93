//go:build !linux

package bfdsub

import (
	"fmt"
	"net/netip"
	"runtime"
)

// OSNet is not available off Linux: the received TTL check needs Linux's
// control messages.
type OSNet struct{}

// Listen reports that BFD is not supported.
func (OSNet) Listen(bool) (Listener, error) {
	return nil, fmt.Errorf("bfd: not supported on %s", runtime.GOOS)
}

// Dial reports that BFD is not supported.
func (OSNet) Dial(netip.Addr, netip.AddrPort, uint8) (Sender, error) {
	return nil, fmt.Errorf("bfd: not supported on %s", runtime.GOOS)
}
