package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/control/controltest"
	"github.com/govrrpd/govrrpd/internal/helperbin"
)

// binDir holds govrrpd and govrrpd-ops built from this tree, side by side
// as make build and the package install them; TestMain builds them.
var binDir string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "govrrpd-opsexec-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	out, err := exec.Command("go", "build", "-o", dir+"/", ".", "../govrrpd-ops").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build govrrpd govrrpd-ops: %v\n%s", err, out)
		return 1
	}
	binDir = dir
	return m.Run()
}

// runBin runs a program of binDir (or another directory) as a process.
func runBin(t *testing.T, bin string, args ...string) (rc int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), o.String(), e.String()
	} else if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	return 0, o.String(), e.String()
}

// controlSocket serves controltest's fake daemon on a control socket.
func controlSocket(t *testing.T) (*controltest.Fake, string) {
	t.Helper()
	f := controltest.New()
	s := control.New(f, control.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	path := filepath.Join(t.TempDir(), "control.sock")
	ln, err := control.ListenSocket(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.ServeSocket(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return f, path
}

// TestOpsVerbsRunHelper: `govrrpd VERB ARGS` prints, exits and reaches the
// daemon exactly as `govrrpd-ops VERB ARGS` does.
func TestOpsVerbsRunHelper(t *testing.T) {
	f, sock := controlSocket(t)
	gone := filepath.Join(t.TempDir(), "gone.sock")
	for _, args := range [][]string{
		{"status", "--control-socket", sock},
		{"status", "--json", "--control-socket", sock},
		{"status", "--control-socket", gone},
		{"status", "--bogus"},
		{"status", "--help"},
		{"ctl", "--control-socket", sock, "maintenance", "VI_1", "on"},
		{"ctl", "--control-socket", sock, "explode"},
		{"plan", "--from", "/nonexistent/a.conf", "-f", "/nonexistent/b.conf"},
		{"genhash", "-s", "127.0.0.1"},
	} {
		calls := len(f.Calls)
		rc, out, errs := runBin(t, filepath.Join(binDir, "govrrpd"), args...)
		viaGovrrpd := f.Calls[calls:]
		calls = len(f.Calls)
		wrc, wout, werrs := runBin(t, filepath.Join(binDir, opsHelper), args...)
		if rc != wrc || out != wout || errs != werrs {
			t.Errorf("govrrpd %q: rc %d\n%s%s\ngovrrpd-ops: rc %d\n%s%s", args, rc, out, errs, wrc, wout, werrs)
		}
		if strings.Join(viaGovrrpd, "|") != strings.Join(f.Calls[calls:], "|") {
			t.Errorf("govrrpd %q reached the daemon as %q, govrrpd-ops as %q", args, viaGovrrpd, f.Calls[calls:])
		}
	}
	if rc, _, errs := runBin(t, filepath.Join(binDir, "govrrpd"), "status", "--control-socket", gone); rc != 1 ||
		!strings.HasPrefix(errs, "govrrpd status: ") || !strings.Contains(errs, gone) {
		t.Errorf("status without a daemon: rc %d, %q; want 1 and govrrpd status: naming %s", rc, errs, gone)
	}
}

// fakeHelper puts a copy of govrrpd beside a govrrpd-ops script that
// prints its arguments and an environment variable, one a line, and
// exits 3.
func fakeHelper(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, filepath.Join(binDir, "govrrpd"), filepath.Join(dir, "govrrpd"))
	script := "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\necho \"GV_PROBE=$GV_PROBE\"\nexit 3\n"
	if err := os.WriteFile(filepath.Join(dir, opsHelper), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestOpsExecArgsAndEnv: the helper gets the verb and the arguments
// unchanged, -T and --genhash as genhash, the environment unchanged, and
// its exit status is govrrpd's.
func TestOpsExecArgsAndEnv(t *testing.T) {
	dir := fakeHelper(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"status", "--url", "http://127.0.0.1:9100", ""}, "[status][--url][http://127.0.0.1:9100][]"},
		{[]string{"ctl", "drain", "TCP 192.0.2.100:80", "192.0.2.21:80"}, "[ctl][drain][TCP 192.0.2.100:80][192.0.2.21:80]"},
		{[]string{"plan"}, "[plan]"},
		{[]string{"genhash", "-s", "192.0.2.1"}, "[genhash][-s][192.0.2.1]"},
		{[]string{"-T", "-s", "192.0.2.1", "-p", "80"}, "[genhash][-s][192.0.2.1][-p][80]"},
		{[]string{"--genhash", "-v"}, "[genhash][-v]"},
	} {
		cmd := exec.Command(filepath.Join(dir, "govrrpd"), c.args...)
		cmd.Env = append(os.Environ(), "GV_PROBE=a b=c")
		out, err := cmd.Output()
		ee, ok := err.(*exec.ExitError)
		got := strings.ReplaceAll(string(out), "\n", "")
		if !ok || ee.ExitCode() != 3 || got != c.want+"GV_PROBE=a b=c" {
			t.Errorf("govrrpd %q: %v, helper saw %q; want exit 3 and %q", c.args, err, got, c.want+"GV_PROBE=a b=c")
		}
	}
}

// TestOpsHelperMissing: without govrrpd-ops, the commands say on one line
// where they looked and what to install, and exit 1.
func TestOpsHelperMissing(t *testing.T) {
	if _, err := os.Stat(filepath.Join(helperbin.LibexecDir, opsHelper)); err == nil {
		t.Skipf("%s is installed on this host: the helper cannot be missing", helperbin.LibexecDir)
	}
	dir := t.TempDir()
	copyFile(t, filepath.Join(binDir, "govrrpd"), filepath.Join(dir, "govrrpd"))
	for _, args := range [][]string{{"status"}, {"ctl", "reload"}, {"plan"}, {"genhash"}, {"-T"}} {
		rc, out, errs := runBin(t, filepath.Join(dir, "govrrpd"), args...)
		verb := args[0]
		if verb == "-T" {
			verb = "genhash"
		}
		tried := []string{filepath.Join(dir, opsHelper), filepath.Join(filepath.Dir(dir), "libexec", "govrrpd", opsHelper),
			filepath.Join(helperbin.LibexecDir, opsHelper)}
		ok := rc == 1 && out == "" && strings.Count(errs, "\n") == 1 && strings.HasPrefix(errs, "govrrpd "+verb+": ") &&
			strings.Contains(errs, "install "+opsHelper)
		for _, p := range tried {
			ok = ok && strings.Contains(errs, p)
		}
		if !ok {
			t.Errorf("govrrpd %q without the helper: rc %d, stdout %q, stderr %q; want 1 and one line naming %q", args, rc, out, errs, tried)
		}
	}
}
