package lab

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
)

var ifaceNSSeq atomic.Int64

// IfaceNS makes a throw-away namespace holding up veth interfaces with the
// given names, for configuration tests (`govrrpd -t`, `keepalived -t`) that
// need those interfaces to exist, and deletes it when the test ends. veth,
// not dummy or vlan: those modules are not always loadable here. It skips
// the test when not root.
func IfaceNS(t testing.TB, names ...string) string {
	t.Helper()
	if err := Supported(); err != nil {
		t.Skip(err)
	}
	ns := fmt.Sprintf("gvif%d-%d", os.Getpid(), ifaceNSSeq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", ns, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", ns, err, out)
		}
	})
	for i, ifn := range names {
		peer := fmt.Sprintf("gvp%d", i)
		for _, args := range [][]string{
			{"-n", ns, "link", "add", ifn, "type", "veth", "peer", "name", peer},
			{"-n", ns, "link", "set", ifn, "up"},
			{"-n", ns, "link", "set", peer, "up"},
		} {
			if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
				t.Fatalf("ip %v: %v: %s", args, err, out)
			}
		}
	}
	return ns
}

// RunIn runs a command in namespace ns and returns its exit status and
// combined output; a command that cannot start fails the test.
func RunIn(t testing.TB, ns, name string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns, name}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return 0, out.String()
}

// Binary is $GOVRRPD_BIN (set by `make test`, its helpers beside it) or
// a fresh build of cmd/govrrpd with every helper beside it, as make build
// lays them out.
func Binary(t testing.TB) string {
	t.Helper()
	if b := os.Getenv("GOVRRPD_BIN"); b != "" {
		return b
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/", "github.com/govrrpd/govrrpd/cmd/...")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/...: %v\n%s", err, out)
	}
	return filepath.Join(dir, "govrrpd")
}
