package confparse

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/vrrp"
)

// writeLargeConf writes the configuration bench/genconf.py makes: vs
// virtual servers of rs real servers with a TCP_CHECK each, 66 lines per
// virtual server at rs=10, on TEST-NET addresses.
func writeLargeConf(path string, vs, rs int) (lines int, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	fmt.Fprint(w, "global_defs {\n    router_id bench\n}\n")
	lines = 3
	for i := 0; i < vs; i++ {
		port := 1024 + i/250
		fmt.Fprintf(w, "virtual_server 192.0.2.%d %d {\n", 1+i%250, port)
		fmt.Fprint(w, "    delay_loop 6\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n")
		for j := 0; j < rs; j++ {
			fmt.Fprintf(w, "    real_server 198.51.100.%d %d {\n", 1+j%250, port)
			fmt.Fprint(w, "        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n")
		}
		fmt.Fprint(w, "}\n")
		lines += 6 + 6*rs
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return lines, f.Close()
}

// The generated file must load cleanly and completely, or the benchmark
// would time a short cut.
func TestLargeConfLoads(t *testing.T) {
	p := filepath.Join(t.TempDir(), "large.conf")
	if _, err := writeLargeConf(p, 300, 10); err != nil {
		t.Fatal(err)
	}
	cfg, diags := Load(p, Options{})
	if diags.ExitCode() != 0 {
		t.Fatalf("generated config gives exit %d:\n%s", diags.ExitCode(), diags)
	}
	if len(cfg.VirtualServers) != 300 {
		t.Fatalf("%d virtual servers, want 300", len(cfg.VirtualServers))
	}
	for _, vs := range cfg.VirtualServers {
		if len(vs.Reals) != 10 {
			t.Fatalf("%s: %d real servers, want 10", vs.Source, len(vs.Reals))
		}
	}
	if len(cfg.Checkers) != 3000 {
		t.Fatalf("%d checkers, want 3000", len(cfg.Checkers))
	}
}

// BenchmarkLoadLarge is `govrrpd -t` on 10,000 virtual servers × 10 real
// servers (660k lines) without process start-up. It reports the time per
// load, the heap it allocates, and the live heap once the Config is built
// (what the daemon keeps). keepalived 2.2.7 takes 0.89-1.0 s and 70 MB
// peak RSS for `-t` on the same file; bench/conftest.sh runs both
// binaries, whose time and peak RSS also count process start-up and page
// faults (about 40% of govrrpd's -t: memory saved is time saved).
func BenchmarkLoadLarge(b *testing.B) {
	p := filepath.Join(b.TempDir(), "large.conf")
	lines, err := writeLargeConf(p, 10000, 10)
	if err != nil {
		b.Fatal(err)
	}
	var cfg *Config
	defer noPoison()()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var diags Diagnostics
		cfg, diags = Load(p, Options{})
		if diags.ExitCode() != 0 {
			b.Fatalf("exit %d:\n%s", diags.ExitCode(), diags[:min(len(diags), 5)])
		}
	}
	b.StopTimer()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MB")
	b.ReportMetric(float64(lines), "lines")
	if len(cfg.VirtualServers) != 10000 {
		b.Fatalf("%d virtual servers", len(cfg.VirtualServers))
	}
}

// A large LVS site holds one checker and one real server per few lines of
// configuration; their sizes are what `-t` and the daemon pay per server
// (both are allocated in 128 KiB slabs, so every byte counts, not only
// size classes), so growing them should be a decision, not an accident of
// field order or of a new keyword.
func TestHotStructSizes(t *testing.T) {
	cases := []struct {
		name      string
		size, max uintptr
	}{
		// 136: the kind a byte, its settings one interface, not a
		// pointer per kind, and the rare connection addresses behind one
		// pointer (issue #15: -t's peak RSS on 100,000 checkers).
		{"check.Checker", unsafe.Sizeof(check.Checker{}), 136},
		// 80: rarely given keywords sit behind RealServer.Opts (#15).
		{"ipvs.RealServer", unsafe.Sizeof(ipvs.RealServer{}), 80},
		// 256: rarely given keywords sit behind VirtualServer.Opts (#15).
		{"ipvs.VirtualServer", unsafe.Sizeof(ipvs.VirtualServer{}), 256},
		// 48: a VIP's rare keywords sit behind Address.Opts, 192 bytes
		// before (issue #12: one per instance at 4,080 instances).
		{"vrrp.Address", unsafe.Sizeof(vrrp.Address{}), 48},
		// 248: an instance's rare keywords sit behind Instance.Opts, its
		// byte-sized settings (version and down_timer_adverts among them)
		// share one word and its position is a srcpos.Pos, 576 bytes
		// before (issue #12: the configuration keeps one per instance,
		// 4,080 of them).
		{"vrrp.Instance", unsafe.Sizeof(vrrp.Instance{}), 248},
	}
	for _, c := range cases {
		if c.size > c.max {
			t.Errorf("%s is %d bytes, more than %d", c.name, c.size, c.max)
		}
	}
}

// BenchmarkPrintLarge is the canonical dump of the same 10,000 × 10 file
// into SHA-256, as the daemon hashes every configuration a reload reads.
func BenchmarkPrintLarge(b *testing.B) {
	p := filepath.Join(b.TempDir(), "large.conf")
	if _, err := writeLargeConf(p, 10000, 10); err != nil {
		b.Fatal(err)
	}
	cfg, diags := Load(p, Options{})
	if diags.ExitCode() != 0 {
		b.Fatalf("exit %d", diags.ExitCode())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := Print(sha256.New(), cfg); err != nil {
			b.Fatal(err)
		}
	}
}
