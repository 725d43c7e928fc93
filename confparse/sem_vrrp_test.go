package confparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadString loads src as a keepalived.conf with every interface present
// except those named "missing*".
func loadString(t testing.TB, src string) (*Config, Diagnostics) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(p, Options{CheckInterfaces: true, InterfaceExists: func(n string) bool {
		return !strings.HasPrefix(n, "missing")
	}})
}

func TestDumpSamplesDiag(t *testing.T) {
	if os.Getenv("DUMPDIAG") == "" {
		t.Skip("exploration only")
	}
	files, _ := filepath.Glob("testdata/corpus/*/*")
	more, _ := filepath.Glob("testdata/corpus/other/*/*")
	for _, f := range append(files, more...) {
		if st, err := os.Stat(f); err != nil || st.IsDir() {
			continue
		}
		_, d := Load(f, Options{CheckInterfaces: true, InterfaceExists: func(string) bool { return true }})
		t.Logf("== %s rc=%d\n%s", filepath.Base(f), d.ExitCode(), d)
	}
}
