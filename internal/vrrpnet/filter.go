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

// accept is the snap length of an accepted packet: all of it.
const accept = 0x40000

// Program compiles the filter for a family's raw socket. An IPv4 raw
// socket's data starts at the IP header; an IPv6 one's at the VRRP
// header, the IPv6 header being reachable only at SKF_NET_OFF.
func (f Filter) Program(family int) ([]bpf.RawInstruction, error) {
	var p []bpf.Instruction
	var protoOff, ttlOff, dstOff uint32
	var dstMask, dstVal uint32
	switch family {
	case 4:
		protoOff, ttlOff, dstOff, dstMask, dstVal = 9, 8, 16, 0xf0, 0xe0
	case 6:
		protoOff, ttlOff, dstOff, dstMask, dstVal = skfNetOff+6, skfNetOff+7, skfNetOff+24, 0xff, 0xff
	default:
		return nil, fmt.Errorf("vrrp filter: family %d", family)
	}
	// Every jump below that fails lands on the final "drop"; the offsets
	// are filled in once the program's length is known.
	const toDrop = 0xff
	p = append(p,
		bpf.LoadAbsolute{Off: protoOff, Size: 1},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: Protocol, SkipFalse: toDrop})
	if f.MulticastTTL255 {
		p = append(p,
			bpf.LoadAbsolute{Off: dstOff, Size: 1},
			bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: dstMask},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: dstVal, SkipFalse: 2}, // unicast: no TTL rule
			bpf.LoadAbsolute{Off: ttlOff, Size: 1},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: 255, SkipFalse: toDrop})
	}
	if len(f.VRIDs) > 0 {
		if family == 4 {
			p = append(p, bpf.LoadMemShift{Off: 0}, bpf.LoadIndirect{Off: 1, Size: 1})
		} else {
			p = append(p, bpf.LoadAbsolute{Off: 1, Size: 1})
		}
		for i, v := range f.VRIDs {
			last := i == len(f.VRIDs)-1
			j := bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(v), SkipTrue: uint8(len(f.VRIDs) - 1 - i)}
			if last {
				j.SkipFalse = toDrop
			}
			p = append(p, j)
		}
	}
	p = append(p, bpf.RetConstant{Val: accept}, bpf.RetConstant{Val: 0})
	// Point the failing branches at the drop, the last instruction.
	drop := len(p) - 1
	for i, ins := range p {
		j, ok := ins.(bpf.JumpIf)
		if !ok || j.SkipFalse != toDrop {
			continue
		}
		skip := drop - i - 1
		if skip > 255 {
			return nil, fmt.Errorf("vrrp filter: %d VRIDs is too long a program", len(f.VRIDs))
		}
		j.SkipFalse = uint8(skip)
		p[i] = j
	}
	return bpf.Assemble(p)
}
