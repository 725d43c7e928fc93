package control_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/govrrpd/govrrpd/internal/control"
)

// startSocket starts a server on a fresh socket: its path, how to stop
// it, and ServeSocket's result once stopped.
func startSocket(t *testing.T, s *control.Server) (string, context.CancelFunc, <-chan error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run", "control.sock")
	ln, err := control.ListenSocket(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ServeSocket(ctx, ln) }()
	return path, cancel, done
}

// serveSocket starts a server on a fresh socket, stopped at the test's
// end, and returns its path.
func serveSocket(t *testing.T, s *control.Server) string {
	t.Helper()
	path, cancel, done := startSocket(t, s)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return path
}

// TestSocketModeAndOwner: the socket is 0600, owned by the daemon's user,
// in a 0700 directory it created.
func TestSocketModeAndOwner(t *testing.T) {
	s, _, _ := newServer(t, nil)
	path := serveSocket(t, s)
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want a 0600 socket", fi.Mode())
	}
	if uid := fi.Sys().(*syscall.Stat_t).Uid; int(uid) != os.Geteuid() {
		t.Errorf("socket owner %d, want %d", uid, os.Geteuid())
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("socket directory mode %v, want 0700", di.Mode().Perm())
	}
	if _, err := control.ListenSocket(path); err == nil || !strings.Contains(err.Error(), "another daemon") {
		t.Errorf("a second listener on a live socket: %v", err)
	}
}

// TestSocketStaleReplaced: a socket left by a crashed daemon is replaced;
// a regular file is not.
func TestSocketStaleReplaced(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	ln, err = control.ListenSocket(path)
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	ln.Close()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o600)
	if _, err := control.ListenSocket(file); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("regular file taken over: %v", err)
	}
}

// TestSocketClient drives the real socket with the client: peer
// credentials reach the action log.
func TestSocketClient(t *testing.T) {
	s, f, logs := newServer(t, nil)
	c := control.NewSocketClient(serveSocket(t, s))
	ctx := context.Background()
	d, err := c.Status(ctx)
	if err != nil || len(d.Instances) != 2 {
		t.Fatalf("status over the socket: %v %d", err, len(d.Instances))
	}
	if err := c.Drain(ctx, "TCP 192.0.2.100:80", "192.0.2.21:80", true); err != nil {
		t.Fatal(err)
	}
	if err := c.Maintenance(ctx, "VI_9", true); err == nil || !strings.Contains(err.Error(), `vrrp_instance VI_9: not found`) {
		t.Errorf("maintenance of an unknown instance: %v", err)
	}
	if _, err := c.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.Calls) != 3 {
		t.Errorf("calls %v", f.Calls)
	}
	want := fmt.Sprintf(`who="uid %d pid %d" action=drain`, os.Geteuid(), os.Getpid())
	if !strings.Contains(logs.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, logs)
	}
}

// TestClientUnreachable names the socket path.
func TestClientUnreachable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.sock")
	_, err := control.NewSocketClient(path).Status(context.Background())
	var ue *control.UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v does not name %s", err, path)
	}
}

// TestSocketNonRootRefused runs a client as nobody in a child process: it
// must get EACCES.
func TestSocketNonRootRefused(t *testing.T) {
	if os.Getenv("CONTROL_TEST_DIAL") != "" {
		_, err := net.Dial("unix", os.Getenv("CONTROL_TEST_DIAL"))
		fmt.Printf("dial: %v\n", errors.Is(err, syscall.EACCES))
		os.Exit(0)
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a client as nobody")
	}
	s, _, _ := newServer(t, nil)
	path := serveSocket(t, s)
	// The test binary must be reachable by nobody: copy it to a 0755 dir.
	bin, err := os.MkdirTemp("", "control-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(bin)
	os.Chmod(bin, 0o755)
	exe, _ := os.Executable()
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	copyExe := filepath.Join(bin, "control.test")
	if err := os.WriteFile(copyExe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(copyExe, "-test.run", "^TestSocketNonRootRefused$")
	cmd.Env = append(os.Environ(), "CONTROL_TEST_DIAL="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "dial: true") {
		t.Errorf("nobody dialing %s: %v %s (want EACCES)", path, err, out)
	}
	// With the directory opened up, the socket's own mode still refuses.
	for d := filepath.Dir(path); d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	cmd = exec.Command(copyExe, "-test.run", "^TestSocketNonRootRefused$")
	cmd.Env = append(os.Environ(), "CONTROL_TEST_DIAL="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "dial: true") {
		t.Errorf("nobody dialing through an open directory: %v %s (want EACCES)", err, out)
	}
}

// TestListenTCPLoopback: a bare port binds loopback only.
func TestListenTCPLoopback(t *testing.T) {
	for _, addr := range []string{"0", ":0"} {
		lns, err := control.ListenTCP(addr)
		if err != nil {
			t.Fatal(err)
		}
		for _, ln := range lns {
			ap := ln.Addr().(*net.TCPAddr)
			if !ap.IP.IsLoopback() {
				t.Errorf("%q bound %v", addr, ap)
			}
			ln.Close()
		}
	}
}

// TestTCPServe: a real listener answers /metrics and refuses writes.
func TestTCPServe(t *testing.T) {
	s, _, _ := newServer(t, nil)
	lns, err := control.ListenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ServeTCP(ctx, lns...) }()
	defer func() { cancel(); <-done }()
	url := "http://" + lns[0].Addr().String()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "govrrpd_up 1\n" {
		t.Errorf("/metrics: %q", b)
	}
	err = control.NewHTTPClient(url, "").Drain(ctx, "TCP 192.0.2.100:80", "192.0.2.21:80", true)
	if err == nil || !strings.Contains(err.Error(), "--http-token-file") {
		t.Errorf("TCP drain without a token: %v", err)
	}
}
