package lab_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// net_namespace NAME in keepalived.conf runs the daemon inside
// /run/netns/NAME as -s NAME does, started from the host's own namespace,
// with its pid files under /run/keepalived/NAME/.
func TestNetNamespaceKeyword(t *testing.T) {
	r := newRig(t, 1)
	ns := r.lab.Routers[0].NS
	c := confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })[0]
	path := filepath.Join(r.dir, "r1.conf")
	os.WriteFile(path, []byte("net_namespace "+ns+"\n"+c), 0o644)
	startUntilMaster(t, r, ns, "-n", "-l", "-G", "-P", "-f", path)
}

// startUntilMaster starts govrrpd with args from the host's namespace,
// waits for router 0 to become master of vip4, checks the pid file under
// /run/keepalived/NS/, and stops the daemon when the test ends.
func startUntilMaster(t *testing.T, r *rig, ns string, args ...string) {
	t.Helper()
	cmd := exec.Command(govrrpdBin, args...)
	logf, _ := os.Create(filepath.Join(r.dir, "ns.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
		}
		logf.Close()
		os.RemoveAll(filepath.Join("/run/keepalived", ns))
	})
	r.waitMaster(vip4, 0, 3*time.Second)
	if _, err := os.Stat(filepath.Join("/run/keepalived", ns, "keepalived.pid")); err != nil {
		t.Fatalf("pid file: %v", err)
	}
}

// A net_namespace that does not exist: -t says nothing (keepalived -t does
// not look), the daemon exits at once with keepalived's message.
func TestNetNamespaceMissing(t *testing.T) {
	r := newRig(t, 1)
	c := confs([]int{150}, func(i int, c *instanceConf) {})[0]
	path := filepath.Join(r.dir, "r1.conf")
	os.WriteFile(path, []byte("net_namespace govrrpd-no-such-ns-h5\n"+c), 0o644)
	out, err := exec.Command(govrrpdBin, "-n", "-l", "-f", path).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("daemon with a missing namespace: %v, want exit 1\n%s", err, out)
	}
	if !strings.Contains(string(out), "Unable to set network namespace govrrpd-no-such-ns-h5 - exiting") {
		t.Errorf("no keepalived message:\n%s", out)
	}
}
