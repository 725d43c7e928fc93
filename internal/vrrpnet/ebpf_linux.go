package vrrpnet

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The prefilter is loaded as an eBPF socket filter when the process may
// (CAP_BPF or CAP_SYS_ADMIN): the same tests as Program, but each drop is
// counted in an array map the daemon reads, so a packet dropped in the
// kernel still shows in the dumps under the reason user space would have
// given it (#16 item 1). Without the capability the classic program is
// installed and the kernel's drops are not counted (KernelDrops says so).
//
// The map holds one counter per VRID for multicast adverts whose TTL (hop
// limit) is not 255 — only the VRIDs served reach that test — and one for
// adverts for a VRID the socket does not serve.

// unservedKey is the map slot of the VRIDs not served; 0..255 are the TTL
// drops by VRID.
const unservedKey = 256

// eBPF instruction fields (linux/bpf.h, linux/filter.h).
const (
	opLdAbsB   = 0x30 // BPF_LD | BPF_ABS | BPF_B
	opLdIndB   = 0x50 // BPF_LD | BPF_IND | BPF_B
	opMovImm   = 0xb7 // BPF_ALU64 | BPF_MOV | BPF_K
	opMovReg   = 0xbf // BPF_ALU64 | BPF_MOV | BPF_X
	opAndImm   = 0x57 // BPF_ALU64 | BPF_AND | BPF_K
	opLshImm   = 0x67 // BPF_ALU64 | BPF_LSH | BPF_K
	opAddImm   = 0x07 // BPF_ALU64 | BPF_ADD | BPF_K
	opJeqImm   = 0x15 // BPF_JMP | BPF_JEQ | BPF_K
	opJneImm   = 0x55 // BPF_JMP | BPF_JNE | BPF_K
	opJa       = 0x05 // BPF_JMP | BPF_JA
	opCall     = 0x85
	opExit     = 0x95
	opStxW     = 0x63 // BPF_STX | BPF_MEM | BPF_W
	opAtomicDW = 0xdb // BPF_STX | BPF_ATOMIC | BPF_DW (imm BPF_ADD)
	opLdImm64  = 0x18 // BPF_LD | BPF_IMM | BPF_DW, two slots

	helperMapLookup = 1 // BPF_FUNC_map_lookup_elem
)

// Registers.
const (
	r0, r1, r2, r6, r7, r8, r9, r10 = 0, 1, 2, 6, 7, 8, 9, 10
)

// insn is one eBPF instruction; jumps name a label until resolved.
type insn struct {
	op       uint8
	dst, src uint8
	off      int16
	imm      int32
	target   int // label a jump goes to (-1: none)
}

// ebpfAsm collects instructions and resolves labels.
type ebpfAsm struct {
	p      []insn
	labels []int // label → instruction index
}

func (a *ebpfAsm) newLabel() int {
	a.labels = append(a.labels, -1)
	return len(a.labels) - 1
}

// mark puts label l on the next instruction.
func (a *ebpfAsm) mark(l int) { a.labels[l] = len(a.p) }

func (a *ebpfAsm) emit(op, dst, src uint8, off int16, imm int32) {
	a.p = append(a.p, insn{op: op, dst: dst, src: src, off: off, imm: imm, target: -1})
}

func (a *ebpfAsm) jump(op, dst uint8, imm int32, to int) {
	a.p = append(a.p, insn{op: op, dst: dst, imm: imm, target: to})
}

// bytes resolves the jumps and encodes the program.
func (a *ebpfAsm) bytes() ([]byte, error) {
	out := make([]byte, 0, 8*len(a.p))
	for i, in := range a.p {
		off := in.off
		if in.target >= 0 {
			t := a.labels[in.target]
			if t < 0 {
				return nil, fmt.Errorf("vrrp ebpf filter: jump %d to an unplaced label", i)
			}
			off = int16(t - i - 1)
		}
		out = append(out, in.op, in.dst|in.src<<4)
		out = binary.LittleEndian.AppendUint16(out, uint16(off))
		out = binary.LittleEndian.AppendUint32(out, uint32(in.imm))
	}
	return out, nil
}

// ebpf assembles the filter for a family, counting its drops in the map
// mapFD. It tests what Program tests, in an order that names one reason
// per drop: the VRID first (a packet for a VRID nobody here serves is
// that, whatever its TTL, as user space counts it), then the TTL.
func (f Filter) ebpf(family, mapFD int) ([]byte, error) {
	o, err := offsetsFor(family)
	if err != nil {
		return nil, err
	}
	protoOff, ttlOff, dstOff := int32(o.proto), int32(o.ttl), int32(o.dst)
	dstMask, dstVal := int32(o.dstMask), int32(o.dstVal)
	if len(f.VRIDs) > 255 {
		return nil, fmt.Errorf("vrrp filter: %d VRIDs, at most 255", len(f.VRIDs))
	}
	var a ebpfAsm
	drop, accept, count, served := a.newLabel(), a.newLabel(), a.newLabel(), a.newLabel()
	a.emit(opMovReg, r6, r1, 0, 0) // packet loads need the context in r6
	a.emit(opLdAbsB, 0, 0, 0, protoOff)
	a.jump(opJneImm, r0, Protocol, drop)
	if family == 4 {
		a.emit(opLdAbsB, 0, 0, 0, 0)
		a.emit(opAndImm, r0, 0, 0, 0x0f)
		a.emit(opLshImm, r0, 0, 0, 2)
		a.emit(opMovReg, r7, r0, 0, 0)
		a.emit(opLdIndB, 0, r7, 0, 1)
	} else {
		a.emit(opLdAbsB, 0, 0, 0, 1)
	}
	a.emit(opMovReg, r8, r0, 0, 0) // the VRID, kept across packet loads
	if len(f.VRIDs) > 0 {
		for _, v := range f.VRIDs {
			a.jump(opJeqImm, r8, int32(v), served)
		}
		a.emit(opMovImm, r9, 0, 0, unservedKey)
		a.jump(opJa, 0, 0, count)
	}
	a.mark(served)
	if f.MulticastTTL255 {
		a.emit(opLdAbsB, 0, 0, 0, dstOff)
		a.emit(opAndImm, r0, 0, 0, dstMask)
		a.jump(opJneImm, r0, dstVal, accept) // unicast: no TTL rule
		a.emit(opLdAbsB, 0, 0, 0, ttlOff)
		a.jump(opJeqImm, r0, 255, accept)
		a.emit(opMovReg, r9, r8, 0, 0)
		a.jump(opJa, 0, 0, count)
	}
	a.mark(accept)
	a.emit(opMovImm, r0, 0, 0, accept32)
	a.emit(opExit, 0, 0, 0, 0)
	// count: map[r9]++, then drop.
	a.mark(count)
	a.emit(opStxW, r10, r9, -4, 0)
	a.emit(opLdImm64, r1, unix.BPF_PSEUDO_MAP_FD, 0, int32(mapFD))
	a.emit(0, 0, 0, 0, 0)
	a.emit(opMovReg, r2, r10, 0, 0)
	a.emit(opAddImm, r2, 0, 0, -4)
	a.emit(opCall, 0, 0, 0, helperMapLookup)
	a.jump(opJeqImm, r0, 0, drop)
	a.emit(opMovImm, r1, 0, 0, 1)
	a.emit(opAtomicDW, r0, r1, 0, 0) // imm 0: BPF_ADD
	a.mark(drop)
	a.emit(opMovImm, r0, 0, 0, 0)
	a.emit(opExit, 0, 0, 0, 0)
	return a.bytes()
}

const accept32 = int32(accept)

// bpfCall is the bpf(2) system call on an attribute block.
func bpfCall(cmd int, attr []byte) (int, error) {
	fd, _, e := unix.Syscall(unix.SYS_BPF, uintptr(cmd), uintptr(unsafe.Pointer(&attr[0])), uintptr(len(attr)))
	if e != 0 {
		return -1, e
	}
	return int(fd), nil
}

// newDropMap creates the drop counters: an array of unservedKey+1 u64.
func newDropMap() (int, error) {
	attr := make([]byte, 64)
	binary.NativeEndian.PutUint32(attr[0:], unix.BPF_MAP_TYPE_ARRAY)
	binary.NativeEndian.PutUint32(attr[4:], 4)              // key size
	binary.NativeEndian.PutUint32(attr[8:], 8)              // value size
	binary.NativeEndian.PutUint32(attr[12:], unservedKey+1) // entries
	fd, err := bpfCall(unix.BPF_MAP_CREATE, attr)
	if err != nil {
		return -1, fmt.Errorf("bpf map: %w", err)
	}
	return fd, nil
}

var license = []byte("GPL\x00")

// loadFilter loads prog as a socket filter and returns its descriptor;
// a refused program is loaded again with the verifier's log on, for the
// error to carry it (a log that overflows its buffer fails the load, so
// the first try has none).
func loadFilter(prog []byte) (int, error) {
	fd, err := progLoad(prog, nil)
	if err == nil {
		return fd, nil
	}
	log := make([]byte, 64<<10)
	if _, lerr := progLoad(prog, log); lerr != nil {
		if n := cstrLen(log); n > 0 {
			return -1, fmt.Errorf("bpf program: %w: %s", err, log[:n])
		}
	}
	return -1, fmt.Errorf("bpf program: %w", err)
}

func progLoad(prog, log []byte) (int, error) {
	attr := make([]byte, 128)
	binary.NativeEndian.PutUint32(attr[0:], unix.BPF_PROG_TYPE_SOCKET_FILTER)
	binary.NativeEndian.PutUint32(attr[4:], uint32(len(prog)/8))
	binary.NativeEndian.PutUint64(attr[8:], uint64(uintptr(unsafe.Pointer(&prog[0]))))
	binary.NativeEndian.PutUint64(attr[16:], uint64(uintptr(unsafe.Pointer(&license[0]))))
	if len(log) > 0 {
		binary.NativeEndian.PutUint32(attr[24:], 1) // log level
		binary.NativeEndian.PutUint32(attr[28:], uint32(len(log)))
		binary.NativeEndian.PutUint64(attr[32:], uint64(uintptr(unsafe.Pointer(&log[0]))))
	}
	fd, err := bpfCall(unix.BPF_PROG_LOAD, attr)
	runtime.KeepAlive(prog)
	runtime.KeepAlive(log)
	return fd, err
}

func cstrLen(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return len(b)
}

// lookup reads counter key of the map.
func lookup(mapFD int, key uint32) (uint64, error) {
	var v uint64
	attr := make([]byte, 32)
	binary.NativeEndian.PutUint32(attr[0:], uint32(mapFD))
	binary.NativeEndian.PutUint64(attr[8:], uint64(uintptr(unsafe.Pointer(&key))))
	binary.NativeEndian.PutUint64(attr[16:], uint64(uintptr(unsafe.Pointer(&v))))
	_, err := bpfCall(unix.BPF_MAP_LOOKUP_ELEM, attr)
	runtime.KeepAlive(&key)
	runtime.KeepAlive(&v)
	if err != nil {
		return 0, fmt.Errorf("bpf map lookup %d: %w", key, err)
	}
	return v, nil
}

// setEBPF installs f as a counting eBPF filter.
func (s *Socket) setEBPF(f Filter) error {
	if s.dropMap < 0 {
		fd, err := newDropMap()
		if err != nil {
			return err
		}
		s.dropMap = fd
	}
	prog, err := f.ebpf(s.Family, s.dropMap)
	if err != nil {
		return err
	}
	fd, err := loadFilter(prog)
	if err != nil {
		return err
	}
	if err := s.setsockopt(func(sfd int) error {
		return unix.SetsockoptInt(sfd, unix.SOL_SOCKET, unix.SO_ATTACH_BPF, fd)
	}); err != nil {
		unix.Close(fd)
		return fmt.Errorf("SO_ATTACH_BPF: %w", err)
	}
	if s.prog >= 0 {
		unix.Close(s.prog) // the socket held its own reference
	}
	s.prog = fd
	return nil
}

// KernelDrops reads into d the prefilter's drop counts for the VRIDs
// listed (the TTL drops of others are not read) and the unserved count.
// It reports false, reading nothing, when the filter installed is the
// classic one, which cannot count.
func (s *Socket) KernelDrops(vrids []uint8, d *KernelDrops) (bool, error) {
	if s.prog < 0 {
		return false, nil
	}
	var err error
	if d.Unserved, err = lookup(s.dropMap, unservedKey); err != nil {
		return true, err
	}
	for _, v := range vrids {
		if d.TTL[v], err = lookup(s.dropMap, uint32(v)); err != nil {
			return true, err
		}
	}
	return true, nil
}

// closeEBPF releases the filter's descriptors.
func (s *Socket) closeEBPF() {
	for _, fd := range []*int{&s.prog, &s.dropMap} {
		if *fd >= 0 {
			unix.Close(*fd)
			*fd = -1
		}
	}
}
