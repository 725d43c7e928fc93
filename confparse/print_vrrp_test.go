package confparse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrinterLVSGoldens prints the VRRP part of every lvs.cf golden through
// the exported Printer, as the importer does, and compares it byte for
// byte with the golden text before its first virtual server.
func TestPrinterLVSGoldens(t *testing.T) {
	files, _ := filepath.Glob("testdata/sem/lvscf/*.conf")
	if len(files) == 0 {
		t.Fatal("no goldens in testdata/sem/lvscf")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want := string(raw)
			if i := strings.Index(want, "\n# lvs.cf virtual"); i >= 0 {
				want = want[:i]
			}
			cfg, diags := Load(f, Options{})
			if diags.HasErrors() {
				t.Fatalf("golden does not load cleanly:\n%s", diags)
			}
			var buf bytes.Buffer
			pr := NewPrinter(&buf)
			for _, l := range strings.Split(want, "\n") {
				if !strings.HasPrefix(l, "# ") {
					break
				}
				pr.Comment(strings.TrimPrefix(l, "# "))
			}
			pr.Blank()
			pr.GlobalDefs(cfg)
			for i := range cfg.Scripts {
				pr.ScriptTracker(&cfg.Scripts[i])
			}
			for i := range cfg.Instances {
				pr.Instance(&cfg.Instances[i])
			}
			if err := pr.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != want {
				t.Errorf("printed:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
