package vrrpnet

import (
	"testing"

	"golang.org/x/net/bpf"
)

// ipv4Advert is an IPv4 datagram as the filter sees it on a raw socket:
// header (with optional options words) and a VRRP header for vrid.
func ipv4Advert(proto, ttl byte, dst [4]byte, vrid byte, optWords int) []byte {
	ihl := 5 + optWords
	b := make([]byte, ihl*4+8)
	b[0] = 0x40 | byte(ihl)
	b[8], b[9] = ttl, proto
	copy(b[12:16], []byte{192, 0, 2, 2})
	copy(b[16:20], dst[:])
	b[ihl*4], b[ihl*4+1] = 0x31, vrid
	return b
}

// filterCase is a packet, a filter and its verdict; counted is the drop
// counter the eBPF filter adds one to (-1: none).
type filterCase struct {
	name    string
	f       Filter
	pkt     []byte
	accept  bool
	counted int
}

func filterCases() []filterCase {
	group, unicast := [4]byte{224, 0, 0, 18}, [4]byte{192, 0, 2, 1}
	served := Filter{VRIDs: []uint8{1, 7}, MulticastTTL255: true}
	many := Filter{MulticastTTL255: true}
	for v := range 255 {
		many.VRIDs = append(many.VRIDs, uint8(v+1))
	}
	return []filterCase{
		{"good", served, ipv4Advert(112, 255, group, 7, 0), true, -1},
		{"other protocol", served, ipv4Advert(17, 255, group, 7, 0), false, -1},
		{"TTL 64 to the group", served, ipv4Advert(112, 64, group, 1, 0), false, 1},
		{"TTL 64 unicast", served, ipv4Advert(112, 64, unicast, 1, 0), true, -1},
		{"VRID not served", served, ipv4Advert(112, 255, group, 2, 0), false, unservedKey},
		{"VRID not served, TTL 64", served, ipv4Advert(112, 64, group, 2, 0), false, unservedKey},
		{"VRID behind IP options", served, ipv4Advert(112, 255, group, 1, 2), true, -1},
		{"other VRID behind IP options", served, ipv4Advert(112, 255, group, 2, 2), false, unservedKey},
		{"no VRID list: any", Filter{MulticastTTL255: true}, ipv4Advert(112, 255, group, 200, 0), true, -1},
		{"no VRID list, TTL 64", Filter{MulticastTTL255: true}, ipv4Advert(112, 64, group, 200, 0), false, 200},
		{"no TTL rule", Filter{VRIDs: []uint8{1}}, ipv4Advert(112, 1, group, 1, 0), true, -1},
		{"255 VRIDs, last", many, ipv4Advert(112, 255, group, 255, 0), true, -1},
		{"255 VRIDs, first", many, ipv4Advert(112, 255, group, 1, 0), true, -1},
		{"255 VRIDs, zero", many, ipv4Advert(112, 255, group, 0, 0), false, unservedKey},
		{"255 VRIDs, TTL 64", many, ipv4Advert(112, 64, group, 9, 0), false, 9},
	}
}

// TestFilterProgram runs the classic IPv4 program in x/net's BPF
// interpreter (the kernel's own run is TestFilterDropsInKernel, which
// needs root; the eBPF one's is TestEBPFProgram).
func TestFilterProgram(t *testing.T) {
	cases := filterCases()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := tc.f.Program(4)
			if err != nil {
				t.Fatal(err)
			}
			prog, ok := bpf.Disassemble(raw)
			if !ok {
				t.Fatal("program does not disassemble")
			}
			vm, err := bpf.NewVM(prog)
			if err != nil {
				t.Fatal(err)
			}
			n, err := vm.Run(tc.pkt)
			if err != nil {
				t.Fatal(err)
			}
			if got := n > 0; got != tc.accept {
				t.Errorf("accepted %v, want %v", got, tc.accept)
			}
		})
	}
	if _, err := (Filter{VRIDs: make([]uint8, 256)}).Program(4); err == nil {
		t.Error("256 VRIDs accepted")
	}
}
