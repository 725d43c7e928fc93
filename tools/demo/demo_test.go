package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// The whole demo against the real daemon: election, crash, takeover,
// preemption, and a lab that is gone afterwards.
func TestDemoEndToEnd(t *testing.T) {
	if err := lab.Supported(); err != nil {
		t.Skip(err)
	}
	if testing.Short() {
		t.Skip("runs the 15-second demo")
	}
	bin := os.Getenv("GOVRRPD_BIN")
	if bin == "" {
		dir := t.TempDir()
		bin = filepath.Join(dir, "govrrpd")
		if out, err := exec.Command("go", "build", "-o", dir+"/", "../../cmd/...").CombinedOutput(); err != nil {
			t.Fatalf("build govrrpd: %v\n%s", err, out)
		}
	}
	id, err := run(context.Background(), bin, filepath.Join(t.TempDir(), "none.conf"), false)
	if err != nil {
		t.Fatal(err)
	}
	if id == "" {
		t.Fatal("no lab ID")
	}
	if left, _ := filepath.Glob("/run/netns/" + id + "-*"); len(left) > 0 {
		t.Errorf("namespaces left behind: %v", left)
	}
}
