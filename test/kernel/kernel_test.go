package kernel

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func need(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("IPVS VM tests skipped in -short mode")
	}
	for _, tool := range []string{"qemu-system-x86_64", "busybox"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install qemu-system-x86 busybox-static): IPVS kernel tests skipped", tool)
		}
	}
	out, err := exec.Command("./fetch.sh").CombinedOutput()
	if err != nil {
		t.Skipf("no Debian kernel image for the IPVS VM (fetch.sh: %v): IPVS kernel tests skipped\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// buildIPVS compiles the ipvs package's tests, kernel ones included, as a
// static binary for the VM.
func buildIPVS(t *testing.T) (bin, pkgDir string) { return buildKernelTests(t, "ipvs") }

// buildKernelTests compiles one package's tests (a path from the module
// root) with the ipvskernel tag, as a static binary for the VM.
func buildKernelTests(t *testing.T, pkg string) (bin, pkgDir string) {
	t.Helper()
	pkgDir, err := filepath.Abs("../../" + pkg)
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(t.TempDir(), filepath.Base(pkg)+".test")
	cmd := exec.Command("go", "test", "-c", "-tags", "ipvskernel", "-o", bin, ".")
	cmd.Dir = pkgDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the ipvs kernel tests: %v\n%s", err, out)
	}
	return bin, pkgDir
}

func runVM(t *testing.T, pkgDir, bin string, args ...string) string {
	t.Helper()
	vmrun, _ := filepath.Abs("vmrun.sh")
	cmd := exec.Command(vmrun, append([]string{bin}, args...)...)
	cmd.Dir = pkgDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	t.Logf("VM output:\n%s", out.String())
	if err != nil {
		t.Fatalf("VM run: %v", err)
	}
	return out.String()
}

// TestIPVSInVM runs every TestKernel* test of package ipvs in one VM and
// checks that each of them ran and passed.
func TestIPVSInVM(t *testing.T) {
	need(t)
	bin, dir := buildIPVS(t)
	out := runVM(t, dir, bin, "-test.v", "-test.run", "^TestKernel")
	want := []string{"TestKernelErrnos", "TestKernelRoundTrip", "TestKernelReconcile", "TestKernelNAT",
		"TestKernelSyncErrnos", "TestKernelSyncDaemon", "TestKernelSyncConnections"}
	for _, name := range want {
		if !regexp.MustCompile(`--- PASS: ` + name + ` `).MatchString(out) {
			t.Errorf("%s did not pass in the VM", name)
		}
	}
	if strings.Contains(out, "--- FAIL") || !strings.Contains(out, "\nPASS") {
		t.Error("kernel tests failed in the VM")
	}
}

// TestLVSInVM runs the LVS subsystem's kernel tests in one VM: a
// FILE_CHECK's weight and an operator's drain reach the kernel's table.
func TestLVSInVM(t *testing.T) {
	need(t)
	bin, dir := buildKernelTests(t, "internal/lvs")
	out := runVM(t, dir, bin, "-test.v", "-test.run", "^TestKernel")
	if !regexp.MustCompile(`--- PASS: TestKernelFileCheckWeight `).MatchString(out) ||
		strings.Contains(out, "--- FAIL") || !strings.Contains(out, "\nPASS") {
		t.Error("LVS kernel tests failed in the VM")
	}
}

// TestReloadInVM runs tools/reloadbench's govrrpd side at a small size: a
// SIGHUP with the file unchanged makes no IPVS operation, and one with one
// real server's weight changed makes exactly one, which reaches the
// kernel. Times are the benchmark's business (bench/reload-vm.sh), not
// this test's.
func TestReloadInVM(t *testing.T) {
	need(t)
	dir := t.TempDir()
	for pkg, out := range map[string]string{"./cmd/govrrpd": "govrrpd", "./tools/reloadbench": "reloadbench"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, out), pkg)
		cmd.Dir, cmd.Env = "../..", append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", pkg, err, b)
		}
	}
	t.Setenv("GOVRRPD_VM_FILES", filepath.Join(dir, "govrrpd"))
	out := runVM(t, dir, filepath.Join(dir, "reloadbench"), "-vs", "500", "-rs", "4", "-impl", "govrrpd")
	m := regexp.MustCompile(`(?m)^govrrpd .* table 500/2000 +no change: .* ops (\S+) entries (\d+) +one weight: .* ops (\S+) entries (\d+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatal("no govrrpd result line")
	}
	if m[1] != "0" || m[2] != "0" || m[3] != "1" || m[4] != "2" {
		t.Errorf("IPVS operations %s and %s (table lines changed %s and %s), want 0 and 1 (0 and 2)", m[1], m[3], m[2], m[4])
	}
}
