package garp

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
)

// Announce builds each address's frame once, in place, and sends it count
// times: the frames are Frame's, from the interface's MAC or the one given
// (a VMAC), IPv4 and IPv6 mixed.
func TestBuildFrames(t *testing.T) {
	own := net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	vmac := net.HardwareAddr{0, 0, 0x5e, 0, 1, 7}
	s := &Sender{ifi: &net.Interface{Name: "eth0", HardwareAddr: own}}
	addrs := []netip.Addr{netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("2001:db8::7"), netip.MustParseAddr("198.51.100.1")}
	for _, tc := range []struct {
		mac, want net.HardwareAddr
		count     int
	}{{nil, own, 3}, {vmac, vmac, 1}, {nil, own, 5}} {
		if err := s.build(tc.mac, addrs, tc.count); err != nil {
			t.Fatal(err)
		}
		if len(s.out) != len(addrs)*tc.count {
			t.Fatalf("%d frames for %d addresses × %d, want %d", len(s.out), len(addrs), tc.count, len(addrs)*tc.count)
		}
		for i, f := range s.out {
			want, err := Frame(tc.want, addrs[i/tc.count])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(f, want) {
				t.Errorf("mac %v count %d: frame %d is\n%x, want\n%x", tc.mac, tc.count, i, f, want)
			}
		}
	}
	allocs := testing.AllocsPerRun(100, func() { _ = s.build(nil, addrs, 5) })
	if allocs != 0 {
		t.Errorf("building a burst after the first: %.1f allocations, want none (the buffers are kept)", allocs)
	}
}

// An address or a MAC that cannot be announced is refused by Prepare, when
// an instance attaches, and by Announce.
func TestPrepareRefuses(t *testing.T) {
	s := &Sender{ifi: &net.Interface{Name: "ib0", HardwareAddr: make(net.HardwareAddr, 20)}}
	good := []netip.Addr{netip.MustParseAddr("192.0.2.7")}
	if err := s.Prepare(nil, good); err == nil {
		t.Error("Prepare on an interface with a 20-byte MAC: no error")
	}
	if err := s.Prepare(net.HardwareAddr{2, 0, 0, 0, 0, 1}, good); err != nil {
		t.Errorf("Prepare with a 6-byte MAC given: %v", err)
	}
	if err := s.Prepare(net.HardwareAddr{2, 0, 0, 0, 0, 1}, []netip.Addr{{}}); err == nil {
		t.Error("Prepare of the zero address: no error")
	}
	if err := s.Announce(nil, good, 1); err == nil {
		t.Error("Announce on an interface with a 20-byte MAC: no error")
	}
}
