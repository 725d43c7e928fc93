package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/control/controltest"
)

// TestConsoleOverTLS: --http-tls-cert/--http-tls-key serve the listener,
// and the console is mounted under /ui/ with its headers.
func TestConsoleOverTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeTestCert(t, dir)
	o, _, err := parseFlags([]string{"--control-socket", "", "--http-listen", "127.0.0.1:0",
		"--http-tls-cert", cert, "--http-tls-key", key, "-f", filepath.Join(dir, "none.conf")}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	l, err := openOps(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.serve(ctx, controltest.New(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer func() { cancel(); l.wait() }()
	cl := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := cl.Get("https://" + l.tcp[0].Addr().String() + "/ui/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "VI_1") || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("GET /ui/ over TLS: %d %v", resp.StatusCode, resp.Header)
	}
}

// The console in govrrpd-ops reads a file as the daemon does (-i, -e)
// and may edit only with --http-allow-edit.
func TestConsoleSetup(t *testing.T) {
	o, _, err := parseFlags([]string{"--control-socket", "", "--http-listen", "127.0.0.1:0", "--http-allow-edit",
		"-i", "lb1", "-e", "-f", "/etc/x.conf"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	l, err := openOps(o)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	if st := l.setup; !st.AllowEdit || st.ConfigID != "lb1" || !st.AllConfig || st.ConfigFile != "/etc/x.conf" || st.IdleNanos != int64(time.Minute) {
		t.Fatalf("helper setup %+v", st)
	}
}

// A certificate govrrpd-ops cannot load stops the start with its message,
// as it did when the daemon loaded it; so does a missing helper.
func TestTLSBadPairRefused(t *testing.T) {
	dir := t.TempDir()
	cert, _ := writeTestCert(t, dir)
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("not a key"), 0o600)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--http-tls-key", bad}, "--http-tls-cert/--http-tls-key: tls: failed to find any PEM data in key input"},
		{[]string{"--http-tls-key", bad, "--ops-helper", filepath.Join(dir, "none")}, "TLS is served by govrrpd-ops: helper govrrpd-ops not found"},
	} {
		args := append([]string{"--control-socket", "", "--http-listen", "127.0.0.1:0", "--http-tls-cert", cert}, c.args...)
		o, _, err := parseFlags(args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := openOps(o); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v: %v, want %q", c.args, err, c.msg)
		}
	}
}

func TestTLSFlagsGoTogether(t *testing.T) {
	o, _, err := parseFlags([]string{"--control-socket", "", "--http-listen", "127.0.0.1:0", "--http-tls-cert", "x.pem"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openOps(o); err == nil || !strings.Contains(err.Error(), "go together") {
		t.Fatalf("cert without key: %v", err)
	}
}

func writeTestCert(t *testing.T, dir string) (string, string) {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(k)
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}
