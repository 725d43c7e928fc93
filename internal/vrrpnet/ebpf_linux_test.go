package vrrpnet

import (
	"encoding/binary"
	"errors"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// testRun runs a loaded socket filter on pkt (an IPv4 datagram) behind an
// Ethernet header, as BPF_PROG_TEST_RUN does: the filter sees the
// datagram from its IP header, as on a raw socket.
func testRun(t *testing.T, prog int, pkt []byte) uint32 {
	t.Helper()
	frame := append(make([]byte, 14, 14+len(pkt)), pkt...)
	binary.BigEndian.PutUint16(frame[12:], unix.ETH_P_IP)
	attr := make([]byte, 80)
	binary.NativeEndian.PutUint32(attr[0:], uint32(prog))
	binary.NativeEndian.PutUint32(attr[8:], uint32(len(frame)))
	binary.NativeEndian.PutUint64(attr[16:], uint64(uintptr(unsafe.Pointer(&frame[0]))))
	binary.NativeEndian.PutUint32(attr[32:], 1) // repeat
	_, err := bpfCall(unix.BPF_PROG_TEST_RUN, attr)
	runtime.KeepAlive(frame)
	if err != nil {
		t.Fatalf("test run: %v", err)
	}
	return binary.NativeEndian.Uint32(attr[4:])
}

// TestEBPFProgram loads the counting filter for each case of
// TestFilterProgram, runs it in the kernel, and checks the verdict and
// that exactly the expected counter moved.
func TestEBPFProgram(t *testing.T) {
	m, err := newDropMap()
	if errors.Is(err, unix.EPERM) {
		t.Skip("needs CAP_BPF or CAP_SYS_ADMIN")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(m)
	var before [unservedKey + 1]uint64
	read := func(into *[unservedKey + 1]uint64) {
		for k := range into {
			if into[k], err = lookup(m, uint32(k)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range filterCases() {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := tc.f.ebpf(4, m)
			if err != nil {
				t.Fatal(err)
			}
			prog, err := loadFilter(raw)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(prog)
			read(&before)
			if got := testRun(t, prog, tc.pkt) > 0; got != tc.accept {
				t.Errorf("accepted %v, want %v", got, tc.accept)
			}
			var after [unservedKey + 1]uint64
			read(&after)
			for k := range after {
				want := before[k]
				if k == tc.counted {
					want++
				}
				if after[k] != want {
					t.Errorf("counter %d: %d → %d, want %d", k, before[k], after[k], want)
				}
			}
		})
	}
	for _, fam := range []int{4, 6} {
		raw, err := (Filter{VRIDs: []uint8{1, 2}, MulticastTTL255: true}).ebpf(fam, m)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := loadFilter(raw)
		if err != nil {
			t.Fatalf("IPv%d: %v", fam, err)
		}
		unix.Close(prog)
	}
	if _, err := (Filter{VRIDs: make([]uint8, 256)}).ebpf(4, m); err == nil {
		t.Error("256 VRIDs accepted")
	}
}
