package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/control/controltest"
	"github.com/govrrpd/govrrpd/internal/status"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

// cliRun runs a mode in-process, as `govrrpd VERB ARGS` runs it after
// the exec, and returns its exit status and output.
func cliRun(args ...string) (rc int, stdout, stderr string) {
	var o, e bytes.Buffer
	rc = dispatch(args, &o, &e)
	return rc, o.String(), e.String()
}

// fakeDaemon serves the fake backend on a control socket until the test
// ends.
func fakeDaemon(t *testing.T) (*controltest.Fake, string) {
	t.Helper()
	f, path, stop := serveFake(t)
	t.Cleanup(stop)
	return f, path
}

// serveFake serves the fake backend on a control socket until stop, which
// returns once the socket is closed.
func serveFake(t *testing.T) (f *controltest.Fake, path string, stop func()) {
	t.Helper()
	f = controltest.New()
	s := control.New(f, control.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	path = filepath.Join(t.TempDir(), "control.sock")
	ln, err := control.ListenSocket(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.ServeSocket(ctx, ln); close(done) }()
	var once sync.Once
	return f, path, func() { once.Do(func() { cancel(); <-done }) }
}

func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(path, []byte(got), 0o644)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n%s", name, got)
	}
}

// TestStatusGolden: `govrrpd status` of a 2-instance, 1-virtual-server
// daemon.
func TestStatusGolden(t *testing.T) {
	_, sock := fakeDaemon(t)
	rc, out, errs := cliRun("status", "--control-socket", sock)
	if rc != 0 {
		t.Fatalf("status: %d %s", rc, errs)
	}
	goldenFile(t, "status.golden", out)
}

// TestStatusJSON passes the API's JSON through unchanged.
func TestStatusJSON(t *testing.T) {
	_, sock := fakeDaemon(t)
	rc, out, _ := cliRun("status", "--json", "--control-socket", sock)
	api, err := control.NewSocketClient(sock).Raw(context.Background(), "GET", "/api/v1/status", nil)
	if rc != 0 || err != nil || out != string(api) {
		t.Errorf("status --json: rc %d, err %v, differs from the API: %v", rc, err, out != string(api))
	}
}

func TestStatusUnreachable(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "gone.sock")
	rc, _, errs := cliRun("status", "--control-socket", sock)
	if rc == 0 || !strings.Contains(errs, sock) {
		t.Errorf("status without a daemon: rc %d, %q does not name the socket", rc, errs)
	}
}

func TestCtl(t *testing.T) {
	f, sock := fakeDaemon(t)
	for _, c := range []struct {
		args []string
		rc   int
		out  string
		call string
	}{
		{[]string{"drain", "TCP 192.0.2.100:80", "192.0.2.21:80"}, 0, "drained 192.0.2.21:80 in TCP 192.0.2.100:80", "drain=true TCP 192.0.2.100:80 192.0.2.21:80"},
		{[]string{"undrain", "TCP", "192.0.2.100:80", "192.0.2.21:80"}, 0, "undrained", "drain=false TCP 192.0.2.100:80 192.0.2.21:80"},
		{[]string{"drain", "TCP 192.0.2.100:80", "192.0.2.99:80"}, 1, "not found", "drain=true TCP 192.0.2.100:80 192.0.2.99:80"},
		{[]string{"maintenance", "VI_1", "on"}, 0, "maintenance on for VI_1", "maintenance=true VI_1"},
		{[]string{"maintenance", "VI_1", "maybe"}, 2, "usage", ""},
		{[]string{"reload"}, 0, "reload unchanged", "reload"},
		{[]string{"explode"}, 2, "usage", ""},
	} {
		before := len(f.Calls)
		rc, out, errs := cliRun(append([]string{"ctl", "--control-socket", sock}, c.args...)...)
		if rc != c.rc || !strings.Contains(out+errs, c.out) {
			t.Errorf("ctl %q: rc %d %q %q, want %d with %q", c.args, rc, out, errs, c.rc, c.out)
		}
		got := ""
		if len(f.Calls) > before {
			got = f.Calls[len(f.Calls)-1]
		}
		if got != c.call {
			t.Errorf("ctl %q reached the daemon as %q, want %q", c.args, got, c.call)
		}
	}
	rc, out, _ := cliRun("status", "--control-socket", sock)
	if rc != 0 || !strings.Contains(out, "BACKUP (maintenance)") {
		t.Errorf("status after maintenance on:\n%s", out)
	}
}

// TestPlanCLI: exit 0 no change, 2 changes, 1 an invalid file; online the
// daemon's plan is printed.
func TestPlanCLI(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	a := write("a.conf", "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n 192.0.2.1\n }\n}\n")
	b := write("b.conf", "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n 192.0.2.1\n 192.0.2.2\n }\n}\n")
	bad := write("bad.conf", "vrrp_instance A {\n interface eth0\n virtual_router_id 0\n}\n")
	for _, c := range []struct {
		args []string
		rc   int
		out  string
	}{
		{[]string{"--from", a, "-f", a}, 0, "no changes"},
		{[]string{"--from", a, "-f", b}, 2, "+ vip 192.0.2.2/32 (A)"},
		{[]string{"--from", a, "-f", bad}, 1, bad + ":3:"},
		{[]string{"--from", a, "-f", b, "--json"}, 2, `"kind": "vip"`},
	} {
		rc, out, errs := cliRun(append([]string{"plan"}, c.args...)...)
		if rc != c.rc || !strings.Contains(out+errs, c.out) {
			t.Errorf("plan %q: rc %d\n%s%s\nwant %d with %q", c.args, rc, out, errs, c.rc, c.out)
		}
	}
	f, sock := fakeDaemon(t)
	f.PlanResult = status.Plan{ConfigHash: "abc", Changes: []status.Change{{Kind: "instance", Op: "change", Object: "VI_1", Detail: "priority 100 → 150", KeepsState: true}}}
	rc, out, errs := cliRun("plan", "--control-socket", sock, "-f", "new.conf")
	abs, _ := filepath.Abs("new.conf")
	if rc != 2 || !strings.Contains(out, "~ instance VI_1: priority 100 → 150 [keeps state]") || f.Calls[0] != "plan "+abs {
		t.Errorf("online plan: rc %d %q %q, calls %v", rc, out, errs, f.Calls)
	}
}
