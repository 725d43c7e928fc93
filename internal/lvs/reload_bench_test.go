package lvs

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/ipvs"
)

// writeFarm writes bench/genconf.py's shape: vs virtual servers of rs real
// servers with a TCP_CHECK each; weight is the first real server's.
func writeFarm(path string, vs, rs, weight int) error {
	return os.WriteFile(path, farm(vs, rs, weight), 0o644)
}

func farm(vs, rs, weight int) []byte {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	fmt.Fprint(w, "global_defs {\n    router_id bench\n}\n")
	for i := range vs {
		port := 1024 + i/250
		fmt.Fprintf(w, "virtual_server 192.0.2.%d %d {\n    delay_loop 86400\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n", 1+i%250, port)
		for j := range rs {
			wt := 1
			if i == 0 && j == 0 {
				wt = weight
			}
			fmt.Fprintf(w, "    real_server 198.51.100.%d %d {\n        weight %d\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n", 1+j%250, port, wt)
		}
		fmt.Fprint(w, "}\n")
	}
	w.Flush()
	return b.Bytes()
}

// BenchmarkReloadOneWeight is the daemon's reload of bench/reload-vm.sh's
// one-weight case on the host, phase by phase, against the in-memory
// table: the record's check (which hashes the edited file), the load, the
// canonical-dump hash the daemon records, and the subsystem's reload —
// until its "IPVS applied" line (ipvs-s: the comparison and the changed
// virtual server's read, diff and apply) and until Loaded (apply-s: the
// checkers adopted too). Size: RELOAD_BENCH_VS virtual servers of 10
// (default 10,000).
func BenchmarkReloadOneWeight(b *testing.B) {
	vs := 10000
	if v := os.Getenv("RELOAD_BENCH_VS"); v != "" {
		fmt.Sscan(v, &vs)
	}
	path := filepath.Join(b.TempDir(), "k.conf")
	if err := writeFarm(path, vs, 10, 1); err != nil {
		b.Fatal(err)
	}
	loaded := make(chan struct{}, 1)
	mem := ipvs.NewMemory()
	applied := &appliedAt{}
	s := New(Options{Log: slog.New(applied), NewBackend: func() (ipvs.Backend, error) { return mem, nil },
		Loaded: func() { loaded <- struct{}{} }})
	s.opts.Check.Jitter = func(max time.Duration) time.Duration { return max }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg, _, in := confparse.LoadInputs(path, confparse.Options{})
	s.Start(ctx, cfg)
	<-loaded
	defer s.Stop()
	var changed, load, hash, ipvsApplied, apply time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		if err := writeFarm(path, vs, 10, 2+i%2); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		if in.Changed() == "" {
			b.Fatal("the edit went unseen")
		}
		t1 := time.Now()
		cfg, _, in = confparse.LoadInputs(path, confparse.Options{})
		t2 := time.Now()
		h := sha256.New()
		if err := confparse.Print(h, cfg); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		s.Reload(ctx, cfg)
		<-loaded
		t4 := time.Now()
		changed, load, hash, apply = changed+t1.Sub(t0), load+t2.Sub(t1), hash+t3.Sub(t2), apply+t4.Sub(t3)
		ipvsApplied += applied.last().Sub(t3)
	}
	n := float64(b.N)
	b.ReportMetric(changed.Seconds()/n, "changed-s")
	b.ReportMetric(load.Seconds()/n, "load-s")
	b.ReportMetric(hash.Seconds()/n, "hash-s")
	b.ReportMetric(ipvsApplied.Seconds()/n, "ipvs-s")
	b.ReportMetric(apply.Seconds()/n, "apply-s")
}

// appliedAt is a log handler that notes when "IPVS applied" was logged
// and drops everything.
type appliedAt struct {
	mu sync.Mutex
	at time.Time
}

func (h *appliedAt) Enabled(context.Context, slog.Level) bool { return true }
func (h *appliedAt) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *appliedAt) WithGroup(string) slog.Handler            { return h }
func (h *appliedAt) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "IPVS applied" {
		h.mu.Lock()
		h.at = r.Time
		h.mu.Unlock()
	}
	return nil
}

func (h *appliedAt) last() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.at
}
