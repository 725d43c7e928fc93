package vrrpnet

import (
	"net"
	"testing"
)

// The interface kept holds its own six bytes of MAC, not the rest of the
// link dump it was read from.
func TestInterfaceByNameOwnsMAC(t *testing.T) {
	want, err := net.InterfaceByName("lo")
	if err != nil {
		t.Skip("no loopback interface:", err)
	}
	ifi, err := InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	if ifi.Name != want.Name || ifi.Index != want.Index || ifi.HardwareAddr.String() != want.HardwareAddr.String() {
		t.Fatalf("got %+v, want %+v", ifi, want)
	}
	if cap(ifi.HardwareAddr) != len(ifi.HardwareAddr) {
		t.Errorf("MAC of %d bytes has room for %d: still a view of the dump", len(ifi.HardwareAddr), cap(ifi.HardwareAddr))
	}
	if _, err := InterfaceByName("no-such-if0"); err == nil {
		t.Error("a missing interface was found")
	}
}
