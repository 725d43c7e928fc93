package vrrpnet

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// Filter is what the socket's kernel prefilter lets through; the rest is
// dropped before it costs buffer space or a wake-up. It only drops what
// the receive checks in package vrrp would drop, so it changes no verdict.
type Filter struct {
	// VRIDs are the virtual router IDs this socket's instances serve
	// (empty: any). Update it on reload with SetFilter.
	VRIDs []uint8
	// MulticastTTL255 drops packets sent to a multicast group whose TTL
	// (hop limit) is not 255. keepalived checks 255 only for instances
	// without unicast peers, and those receive on the multicast group;
	// unicast packets pass, for the peer's min_ttl/max_ttl to judge.
	MulticastTTL255 bool
}

// skfNetOff is SKF_NET_OFF (-0x100000, as the kernel reads the 32-bit
// offset): a load at skfNetOff+k reads byte k of the network header
// wherever the socket's data starts.
const skfNetOff uint32 = 0xfff00000

// offsets are where a family's filter finds the IP header's fields, and
// how it tells a multicast destination (its first byte under dstMask is
// dstVal).
type offsets struct{ proto, ttl, dst, dstMask, dstVal uint32 }

func offsetsFor(family int) (offsets, error) {
	switch family {
	case 4:
		return offsets{9, 8, 16, 0xf0, 0xe0}, nil
	case 6:
		return offsets{skfNetOff + 6, skfNetOff + 7, skfNetOff + 24, 0xff, 0xff}, nil
	}
	return offsets{}, fmt.Errorf("vrrp filter: family %d", family)
}

// accept is the snap length of an accepted packet: all of it.
const accept = 0x40000

// Program compiles the filter for a family's raw socket. An IPv4 raw
// socket's data starts at the IP header; an IPv6 one's at the VRRP
// header, the IPv6 header being reachable only at SKF_NET_OFF.
func (f Filter) Program(family int) ([]bpf.RawInstruction, error) {
	var p []bpf.Instruction
	o, err := offsetsFor(family)
	if err != nil {
		return nil, err
	}
	protoOff, ttlOff, dstOff, dstMask, dstVal := o.proto, o.ttl, o.dst, o.dstMask, o.dstVal
	// Each test that fails falls through to a "drop" right after it, so
	// no jump is longer than the VRID list (a jump skips at most 255).
	drop := bpf.RetConstant{Val: 0}
	p = append(p,
		bpf.LoadAbsolute{Off: protoOff, Size: 1},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: Protocol, SkipTrue: 1},
		drop)
	if f.MulticastTTL255 {
		p = append(p,
			bpf.LoadAbsolute{Off: dstOff, Size: 1},
			bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: dstMask},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: dstVal, SkipFalse: 3}, // unicast: no TTL rule
			bpf.LoadAbsolute{Off: ttlOff, Size: 1},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: 255, SkipTrue: 1},
			drop)
	}
	if n := len(f.VRIDs); n > 0 {
		if n > 255 {
			return nil, fmt.Errorf("vrrp filter: %d VRIDs, at most 255", n)
		}
		if family == 4 {
			p = append(p, bpf.LoadMemShift{Off: 0}, bpf.LoadIndirect{Off: 1, Size: 1})
		} else {
			p = append(p, bpf.LoadAbsolute{Off: 1, Size: 1})
		}
		for i, v := range f.VRIDs {
			// On a match, skip the remaining tests and the drop.
			p = append(p, bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(v), SkipTrue: uint8(n - i)})
		}
		p = append(p, drop)
	}
	return bpf.Assemble(append(p, bpf.RetConstant{Val: accept}))
}
