package main

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// govrrpdBin is the daemon to measure: GOVRRPD_BIN (as make test sets it)
// or a fresh build, with its helpers beside it.
func govrrpdBin(t *testing.T) string {
	if b := os.Getenv("GOVRRPD_BIN"); b != "" {
		return b
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "govrrpd")
	cmd := exec.Command("go", "build", "-o", dir+"/", "./cmd/...")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building govrrpd: %v\n%s", err, out)
	}
	return bin
}

// TestHostGovrrpd runs the whole harness on this host against govrrpd -C
// with its in-memory IPVS backend (the host has no ip_vs): 40 real servers
// checked every 200 ms for 3 s. A harness that lost arrivals, mismeasured
// the window or left the daemon running would fail here before it cost a
// VM run.
func TestHostGovrrpd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a daemon for a few seconds")
	}
	bin := govrrpdBin(t)
	t.Setenv("GOVRRPD_IPVS_BACKEND", "memory")
	dir := t.TempDir()
	o := options{n: 40, duration: 3 * time.Second, interval: 200 * time.Millisecond, connectTimeout: time.Second,
		tolerance: 150 * time.Millisecond, startMax: 30 * time.Second, impls: "govrrpd", rounds: 1,
		govrrpd: bin, workDir: dir}
	rows, err := bench(o, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	r := rows[0]
	var out bytes.Buffer
	printTable(&out, o, rows)
	t.Logf("\n%s", out.String())
	// 40 targets at 5/s for 3 s: 600 checks nominal. A loaded CI host may
	// delay some; none may vanish, and every target must have been checked.
	if r.ot.Checks < 450 || r.ot.Checks > 615 || r.ot.Windows != 40*15 || r.ot.WindowsHit < 40*12 {
		t.Errorf("on-time accounting: %+v", r.ot)
	}
	if r.cpu <= 0 || r.hwmKiB <= 0 || r.procs != 1 || r.firstRound <= 0 || r.firstRound > 30*time.Second {
		t.Errorf("process accounting: %+v", r)
	}
	if !strings.Contains(out.String(), "govrrpd") {
		t.Error("no govrrpd row in the table")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "keepalived.conf")); !bytes.Contains(b, []byte("delay_loop 0.2")) {
		t.Error("config does not carry the interval")
	}
	if _, err := os.Stat(filepath.Join(dir, "govrrpd.log")); err != nil {
		t.Errorf("daemon log: %v", err)
	}
}
