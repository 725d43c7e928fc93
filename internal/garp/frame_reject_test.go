package garp

import (
	"net"
	"net/netip"
	"testing"
)

// A MAC that is not six bytes, or no address, is refused rather than sent
// as a frame with a truncated or shifted address.
func TestFrameRejects(t *testing.T) {
	v4, v6 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")
	for _, mac := range []net.HardwareAddr{nil, {1, 2, 3}, make(net.HardwareAddr, 20)} {
		for _, ip := range []netip.Addr{v4, v6} {
			if f, err := Frame(mac, ip); err == nil {
				t.Errorf("Frame(%v, %s) = %x, want an error", mac, ip, f)
			}
		}
	}
	if f, err := Frame(net.HardwareAddr{2, 0, 0, 0, 0, 1}, netip.Addr{}); err == nil {
		t.Errorf("Frame of the zero address = %x, want an error", f)
	}
}
