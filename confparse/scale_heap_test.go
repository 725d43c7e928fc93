package confparse

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// maxConfigBytesPerInstance bounds what the running configuration keeps
// per vrrp_instance of bench/scale.sh's file: the vrrp.Instance (248 B,
// TestHotStructSizes) and its one VIP (48 B). It was 401 B with a
// "file:line" string per instance and a 272-byte Instance (issue #12).
const maxConfigBytesPerInstance = 320

// scaleConf is tools/scalebench's configuration: links × vrids instances,
// one VIP each.
func scaleConf(links, vrids int) string {
	var b strings.Builder
	b.WriteString("global_defs {\n    router_id r1\n}\n")
	for i := range links {
		for v := 1; v <= vrids; v++ {
			fmt.Fprintf(&b, "vrrp_instance VI_%d_%d {\n    state BACKUP\n    interface sb%d\n    virtual_router_id %d\n"+
				"    priority 150\n    advert_int 1\n    virtual_ipaddress {\n        198.18.%d.%d/32\n    }\n}\n", i, v, i, v, i, v)
		}
	}
	return b.String()
}

// TestScaleConfigHeapPerInstance loads the 16 × 255 file and weighs what
// the loaded configuration holds once the parse's garbage is collected.
func TestScaleConfigHeapPerInstance(t *testing.T) {
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(p, []byte(scaleConf(16, 255)), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cfg, diags := Load(p, Options{})
	runtime.GC()
	runtime.ReadMemStats(&after)
	if len(cfg.Instances) != 16*255 {
		t.Fatalf("%d instances loaded, want %d: %v", len(cfg.Instances), 16*255, diags)
	}
	per := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(len(cfg.Instances))
	runtime.KeepAlive(cfg)
	t.Logf("the loaded configuration keeps %.0f B per instance at 4,080", per)
	if per > maxConfigBytesPerInstance {
		t.Errorf("%.0f B per instance, budget %d B", per, maxConfigBytesPerInstance)
	}
}

// The instances' VIPs lie in one array, each instance's slice full, so
// that appending to one instance's never writes into the next one's.
func TestInstanceVIPsShareOneArray(t *testing.T) {
	cfg, diags := loadString(t, "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n 192.0.2.1\n 192.0.2.2\n 192.0.2.3\n }\n}\n"+
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n virtual_ipaddress {\n 192.0.2.4\n }\n}\n")
	if len(cfg.Instances) != 2 {
		t.Fatalf("%d instances: %v", len(cfg.Instances), diags)
	}
	a, b := cfg.Instances[0].VIPs, cfg.Instances[1].VIPs
	if len(a) != 3 || cap(a) != 3 || len(b) != 1 || cap(b) != 1 {
		t.Fatalf("VIPs len/cap %d/%d and %d/%d, want 3/3 and 1/1", len(a), cap(a), len(b), cap(b))
	}
	if uintptr(unsafe.Pointer(&b[0])) != uintptr(unsafe.Pointer(&a[2]))+unsafe.Sizeof(a[0]) {
		t.Error("B's VIPs do not follow A's in one array")
	}
	if grown := append(a, a[0]); &grown[0] == &a[0] {
		t.Error("appending to A's VIPs did not copy them")
	}
	if b[0].Prefix.String() != "192.0.2.4/32" {
		t.Errorf("appending to A's VIPs changed B's: %s", b[0].Prefix)
	}
}

// The instances' names and interface names lie in one buffer, each
// distinct string once, and read as the file wrote them.
func TestInstanceStringsShareOneBuffer(t *testing.T) {
	cfg, diags := loadString(t, "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n 192.0.2.1\n }\n}\n"+
		"vrrp_instance Bee {\n interface eth0\n virtual_router_id 2\n virtual_ipaddress {\n 192.0.2.2\n }\n}\n"+
		"vrrp_instance eth1 {\n interface eth1\n virtual_router_id 3\n virtual_ipaddress {\n 192.0.2.3\n }\n}\n")
	if len(cfg.Instances) != 3 {
		t.Fatalf("%d instances: %v", len(cfg.Instances), diags)
	}
	want := [][2]string{{"A", "eth0"}, {"Bee", "eth0"}, {"eth1", "eth1"}}
	lo, hi := ^uintptr(0), uintptr(0)
	for i, in := range cfg.Instances {
		if in.Name != want[i][0] || in.Interface != want[i][1] {
			t.Errorf("instance %d: %q on %q, want %q on %q", i, in.Name, in.Interface, want[i][0], want[i][1])
		}
		for _, s := range []string{in.Name, in.Interface} {
			p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
			lo, hi = min(lo, p), max(hi, p+uintptr(len(s)))
		}
	}
	// A, eth0, Bee, eth1: twelve bytes, the second eth0 and the interface
	// named like the third instance not copied again.
	if hi-lo != 12 {
		t.Errorf("names and interfaces span %d bytes, want 12 in one buffer", hi-lo)
	}
	if unsafe.StringData(cfg.Instances[0].Interface) != unsafe.StringData(cfg.Instances[1].Interface) {
		t.Error("the two instances on eth0 hold two copies of its name")
	}
}
