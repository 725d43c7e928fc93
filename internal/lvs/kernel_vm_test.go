//go:build ipvskernel && linux

// These tests need a kernel with IPVS and run as root: built with -tags
// ipvskernel, they run inside the VM test/kernel boots (TestLVSInVM), on
// the VM's own, otherwise empty, IPVS table.
package lvs

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/vishvananda/netlink"
)

// kernelWeight reads one destination's weight from the kernel through a
// handle of its own, not through the subsystem.
func kernelWeight(k *ipvs.Kernel, svc netip.AddrPort, real netip.AddrPort) (int, error) {
	svcs, err := k.Services()
	if err != nil {
		return 0, err
	}
	for _, s := range svcs {
		if s.Key.Addr != svc.Addr() || s.Key.Port != svc.Port() {
			continue
		}
		ds, err := k.Dests(s)
		if err != nil {
			return 0, err
		}
		for _, d := range ds {
			if d.Addr == real {
				return d.Weight, nil
			}
		}
		return 0, fmt.Errorf("%s not in %s: %v", real, svc, ds)
	}
	return 0, fmt.Errorf("service %s not in the kernel table", svc)
}

// TestKernelFileCheckWeight: a FILE_CHECK's value × weight changes the
// kernel's weight of its real server (10 + 3 × 2 = 16; clamped at 0 for
// -20), and a drain sets the kernel's weight to 0 and undrain restores it.
func TestKernelFileCheckWeight(t *testing.T) {
	lo, err := netlink.LinkByName("lo")
	if err == nil {
		err = netlink.LinkSetUp(lo) // the kernel refuses destinations while lo is down
	}
	if err != nil {
		t.Fatalf("lo up: %v", err)
	}
	k, err := ipvs.NewKernel("")
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	dir := t.TempDir()
	wf := filepath.Join(dir, "weight")
	write := func(v string) {
		if err := os.WriteFile(wf, []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("3")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := New(Options{Log: quiet, NewBackend: func() (ipvs.Backend, error) { return ipvs.NewKernel("") }})
	s.Start(ctx, load(t, dir, fileConf))
	defer s.Stop()
	vs, rs := netip.MustParseAddrPort("192.0.2.10:80"), netip.MustParseAddrPort("198.51.100.1:80")
	weightIs := func(want int) func() string {
		return func() string {
			w, err := kernelWeight(k, vs, rs)
			if err != nil || w != want {
				return fmt.Sprintf("kernel weight %d (%v), want %d", w, err, want)
			}
			return ""
		}
	}
	eventually(t, "10 + 3 × 2", weightIs(16))
	// The snapshot reads the kernel's counters for the service.
	if r := real(s.Snapshot(), "TCP 192.0.2.10:80", "198.51.100.1:80"); r.WeightCurrent != 16 || !r.Healthy {
		t.Errorf("snapshot %+v", r)
	}
	svcs, err := k.Services()
	if err != nil || len(svcs) != 1 {
		t.Fatalf("services %v, %v", svcs, err)
	}
	if _, per, err := k.ServiceStats(svcs[0]); err != nil || len(per) != 1 {
		t.Errorf("kernel counters: %v, %v", per, err)
	}
	write("-20")
	eventually(t, "10 - 20 × 2 clamped", weightIs(0))
	write("1")
	eventually(t, "10 + 1 × 2", weightIs(12))
	// Drain returns once the kernel has the weight (read back at once,
	// not polled); how long that takes is logged for issue #13's 100 ms
	// target, not asserted.
	start := time.Now()
	if err := s.Drain("TCP 192.0.2.10:80", "198.51.100.1:80", true); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if msg := weightIs(0)(); msg != "" {
		t.Errorf("drained: %s", msg)
	}
	start = time.Now()
	if err := s.Drain("TCP 192.0.2.10:80", "198.51.100.1:80", false); err != nil {
		t.Fatal(err)
	}
	t.Logf("drain to kernel weight 0: %v; undrain to weight 12: %v (target 100 ms)", took, time.Since(start))
	if msg := weightIs(12)(); msg != "" {
		t.Errorf("undrained: %s", msg)
	}
}
