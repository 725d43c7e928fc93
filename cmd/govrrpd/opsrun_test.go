package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/control/controltest"
	"github.com/govrrpd/govrrpd/internal/daemon"
)

const opsToken = "ops-token-0123456789abcdef"

// TestOpsListeners starts what the daemon's flags ask for over the fake
// backend: /metrics and reads over TCP, writes with the token, the socket.
func TestOpsListeners(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the token file must be owned by root")
	}
	dir := t.TempDir()
	tokFile := filepath.Join(dir, "token")
	os.WriteFile(tokFile, []byte(opsToken+"\n"), 0o600)
	o, _, err := parseFlags([]string{"--control-socket", filepath.Join(dir, "c.sock"), "--http-listen", "127.0.0.1:0",
		"--http-token-file", tokFile}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	l, err := openOps(o)
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	f := controltest.New()
	// The daemon registers its collectors on the listeners' registry as
	// it starts; here over the fake.
	if err := daemon.RegisterMetrics(l.metrics, f.Snapshot); err != nil {
		t.Fatal(err)
	}
	l.serve(ctx, f, slog.New(slog.NewTextHandler(&logs, nil)))
	defer func() { cancel(); l.wait() }()
	url := "http://" + l.tcp[0].Addr().String()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `govrrpd_vrrp_state{instance="VI_1",state="MASTER"} 1`) {
		t.Errorf("/metrics over TCP lacks the VRRP state:\n%.500s", body)
	}
	if strings.Contains(string(body), opsToken) {
		t.Error("/metrics shows the token")
	}
	if err := control.NewHTTPClient(url, "").Maintenance(ctx, "VI_1", true); err == nil {
		t.Error("a TCP write without the token was accepted")
	}
	if err := control.NewHTTPClient(url, opsToken).Maintenance(ctx, "VI_1", true); err != nil {
		t.Errorf("a TCP write with the token: %v", err)
	}
	if _, err := control.NewSocketClient(o.controlSocket).Status(ctx); err != nil {
		t.Errorf("socket: %v", err)
	}
	if strings.Contains(logs.String(), opsToken) {
		t.Errorf("the token is in the log:\n%s", logs.String())
	}
}

// TestOpsRefusesBadToken: a token file others can read stops the start.
func TestOpsRefusesBadToken(t *testing.T) {
	dir := t.TempDir()
	tokFile := filepath.Join(dir, "token")
	os.WriteFile(tokFile, []byte(opsToken), 0o644)
	os.Chmod(tokFile, 0o644)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--control-socket", "", "--http-listen", "127.0.0.1:0", "--http-token-file", tokFile}, "chmod 0600"},
		{[]string{"--control-socket", "", "--http-token-file", tokFile}, "needs --http-listen"},
		{[]string{"--control-socket", "", "--http-listen", "no:such:addr"}, "--http-listen"},
	} {
		o, _, err := parseFlags(c.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := openOps(o); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q: %v, want %q", c.args, err, c.msg)
		}
	}
	o, _, _ := parseFlags([]string{"--control-socket="}, io.Discard)
	if l, err := openOps(o); err != nil || l.sock != nil || l.tcp != nil {
		t.Errorf("--control-socket='' still opened something: %v", err)
	}
}

// TestOpsDefaultSocketBusy: a daemon on the default socket's path does not
// keep a second one from starting; a socket asked for by name does.
func TestOpsDefaultSocketBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.sock")
	first, err := control.ListenSocket(path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	o, _, _ := parseFlags(nil, io.Discard)
	o.controlSocket = path // the default, not given on the command line
	l, err := openOps(o)
	if err != nil || l.sock != nil || l.sockErr == nil || !strings.Contains(l.sockErr.Error(), "own --control-socket") {
		t.Errorf("default socket busy: err %v, sockErr %v", err, l.sockErr)
	}
	o, _, _ = parseFlags([]string{"--control-socket", path}, io.Discard)
	if _, err := openOps(o); err == nil || !strings.Contains(err.Error(), "another daemon") {
		t.Errorf("named socket busy: %v", err)
	}
}

func TestNamespaceSocket(t *testing.T) {
	o, _, _ := parseFlags([]string{"-s", "blue"}, io.Discard)
	namespaceSocket(o)
	if o.controlSocket != "/run/govrrpd/blue/control.sock" {
		t.Errorf("--namespace blue: socket %s", o.controlSocket)
	}
	o, _, _ = parseFlags([]string{"-s", "blue", "--control-socket", "/tmp/x.sock"}, io.Discard)
	namespaceSocket(o)
	if o.controlSocket != "/tmp/x.sock" {
		t.Errorf("--namespace with --control-socket: socket %s", o.controlSocket)
	}
}
