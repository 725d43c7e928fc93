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

// buildGovrrpd builds govrrpd, its helpers and tool (a path from the
// module root, e.g. ./tools/flowbench) static into dir, and puts govrrpd
// and the helpers it may run into the VM (GOVRRPD_VM_FILES: /bin,
// side by side). govrrpd-bgp stays out: no VM test runs BGP, and it is
// the largest file.
func buildGovrrpd(t *testing.T, dir, tool string) {
	t.Helper()
	for _, pkg := range []string{"./cmd/...", tool} {
		cmd := exec.Command("go", "build", "-o", dir+"/", pkg)
		cmd.Dir, cmd.Env = "../..", append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", pkg, err, b)
		}
	}
	files := []string{filepath.Join(dir, "govrrpd")}
	helpers, _ := filepath.Glob(filepath.Join(dir, "govrrpd-*"))
	for _, h := range helpers {
		if filepath.Base(h) != "govrrpd-bgp" {
			files = append(files, h)
		}
	}
	t.Setenv("GOVRRPD_VM_FILES", strings.Join(files, " "))
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
// SIGHUP with the file unchanged makes no IPVS operation; one with a real
// server's weight changed, and one with a real server removed, make
// exactly one each, which reaches the kernel. Times are the benchmark's
// business (bench/reload-vm.sh), not this test's.
func TestReloadInVM(t *testing.T) {
	need(t)
	dir := t.TempDir()
	buildGovrrpd(t, dir, "./tools/reloadbench")
	out := runVM(t, dir, filepath.Join(dir, "reloadbench"), "-vs", "200", "-rs", "10", "-impl", "govrrpd")
	if !strings.Contains(out, "table 200/2000") {
		t.Fatal("the table never held every real server")
	}
	want := map[string]string{"no change": "ops 0  entries 0", "one weight": "ops 1  entries 2", "one removed": "ops 1  entries 1"}
	for c, w := range want {
		m := regexp.MustCompile(`(?m)^govrrpd +` + c + ` +(\d+\.\d+ s|not applied) +busy .*  (ops \S+  entries \d+)$`).FindStringSubmatch(out)
		switch {
		case m == nil:
			t.Errorf("%s: no result line", c)
		case m[1] == "not applied" || m[2] != w:
			t.Errorf("%s: %s, %s; want applied, %s", c, m[1], m[2], w)
		}
	}
}
