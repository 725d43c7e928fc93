package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestWriteConfGolden(t *testing.T) {
	var b bytes.Buffer
	if err := writeConf(&b, targets(3), time.Second, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "three.conf")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("generated config differs from %s:\n%s", golden, b.String())
	}
}

// TestConfBothAccept: the benchmark is only fair if both daemons read the
// generated file cleanly and get one TCP_CHECK per real server; keepalived
// is asked with -t when it is installed.
func TestConfBothAccept(t *testing.T) {
	const n = 2500
	path := filepath.Join(t.TempDir(), "keepalived.conf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeConf(f, targets(n), time.Second, time.Second); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cfg, diags := confparse.Load(path, confparse.Options{})
	if diags.ExitCode() != 0 {
		t.Fatalf("govrrpd: exit code %d: %v", diags.ExitCode(), diags.Sorted())
	}
	if len(cfg.VirtualServers) != 3 || len(cfg.Checkers) != n {
		t.Errorf("govrrpd: %d virtual servers, %d checkers; want 3, %d", len(cfg.VirtualServers), len(cfg.Checkers), n)
	}
	for _, c := range cfg.Checkers {
		if c.DelayLoop != time.Second || c.ConnectTimeout != time.Second {
			t.Fatalf("checker %+v: want delay_loop 1s, connect_timeout 1s", c.Target)
		}
	}
	ka, err := exec.LookPath("keepalived")
	if err != nil {
		t.Skip("keepalived not installed: its -t not asked")
	}
	if out, err := exec.Command(ka, "-t", "-f", path).CombinedOutput(); err != nil {
		t.Errorf("keepalived -t: %v\n%s", err, out)
	}
}
