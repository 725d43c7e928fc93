package confparse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLoadAfterOneEdit is a reload's load of bench/genconf.py's
// 10,000 × 10 file after one edit in its first virtual server, each load
// starting from the record of the one before as the daemon's do: "full"
// is LoadInputs (what every reload read before), "weight" the first real
// server's weight toggled 1 ↔ 2 (same size, no line moves), "rs-removed"
// that real server's six lines removed and put back in turn (every later
// block's lines shift).
func BenchmarkLoadAfterOneEdit(b *testing.B) {
	p := filepath.Join(b.TempDir(), "large.conf")
	if _, err := writeLargeConf(p, 10000, 10); err != nil {
		b.Fatal(err)
	}
	orig, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	rs := "    real_server 198.51.100.1 1024 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n"
	at := bytes.Index(orig, []byte(rs))
	w := at + strings.Index(rs, "weight 1") + len("weight ")
	edits := map[string]func(i int) []byte{
		"full": func(i int) []byte { return orig },
		"weight": func(i int) []byte {
			out := bytes.Clone(orig)
			out[w] = "21"[i%2]
			return out
		},
		"rs-removed": func(i int) []byte {
			if i%2 == 1 {
				return orig
			}
			return append(bytes.Clone(orig[:at]), orig[at+len(rs):]...)
		},
	}
	defer noPoison()()
	for _, name := range []string{"full", "weight", "rs-removed"} {
		b.Run(name, func(b *testing.B) {
			if err := os.WriteFile(p, orig, 0o600); err != nil {
				b.Fatal(err)
			}
			_, _, in := LoadInputs(p, Options{})
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if err := os.WriteFile(p, edits[name](i), 0o600); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				var (
					cfg   *Config
					diags Diagnostics
					how   string
				)
				if name == "full" {
					cfg, diags, in = LoadInputs(p, Options{})
				} else if cfg, diags, in, how = LoadInputsAfter(p, Options{}, in); !strings.HasPrefix(how, "incremental") {
					b.Fatalf("read %s", how)
				}
				if diags.ExitCode() != 0 || len(cfg.VirtualServers) != 10000 {
					b.Fatalf("exit %d, %d virtual servers", diags.ExitCode(), len(cfg.VirtualServers))
				}
			}
		})
	}
}
