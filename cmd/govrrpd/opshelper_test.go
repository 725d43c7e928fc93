package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMain builds govrrpd-ops for the tests that start the operations
// side (openOps, serve): the daemon starts it when a connection arrives.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "govrrpd-ops-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testOpsHelper = filepath.Join(dir, "govrrpd-ops")
	out, err := exec.Command("go", "build", "-o", testOpsHelper, "../govrrpd-ops").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building govrrpd-ops: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
