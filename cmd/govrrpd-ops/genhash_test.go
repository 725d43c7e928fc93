package main

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
)

const genhashBody = "<html>govrrpd genhash test page</html>\n"

func genhashServer(t *testing.T, tls bool) (host, port string, seen *http.Request) {
	t.Helper()
	var last http.Request
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last = *r
		_, _ = w.Write([]byte(genhashBody))
	})
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	host, port, _ = net.SplitHostPort(srv.Listener.Addr().String())
	return host, port, &last
}

func TestGenhashDigest(t *testing.T) {
	sum := md5.Sum([]byte(genhashBody))
	want := hex.EncodeToString(sum[:]) + "\n"
	for _, tls := range []bool{false, true} {
		host, port, seen := genhashServer(t, tls)
		args := []string{"-s", host, "-p", port, "-u", "/index.html", "-V", "www.example.test"}
		if tls {
			args = append([]string{"-S"}, args...)
		}
		var out, errb bytes.Buffer
		if code := genhashMain(args, &out, &errb); code != 0 || out.String() != want {
			t.Fatalf("tls=%v: exit %d, stdout %q (want %q), stderr %q", tls, code, out.String(), want, errb.String())
		}
		if seen.Host != "www.example.test" || seen.UserAgent() != "KeepAliveClient" || seen.URL.Path != "/index.html" {
			t.Fatalf("server saw Host %q UA %q path %q", seen.Host, seen.UserAgent(), seen.URL.Path)
		}
	}
}

// TestGenhashMatchesKeepalived compares with keepalived's own genhash when
// it is installed.
func TestGenhashMatchesKeepalived(t *testing.T) {
	bin, err := exec.LookPath("genhash")
	if err != nil {
		t.Skip("keepalived's genhash not installed")
	}
	host, port, _ := genhashServer(t, false)
	ref, err := exec.Command(bin, "-s", host, "-p", port, "-u", "/").Output()
	if err != nil {
		t.Fatalf("genhash: %v", err)
	}
	var out bytes.Buffer
	if genhashMain([]string{"-s", host, "-p", port, "-u", "/"}, &out, &bytes.Buffer{}) != 0 {
		t.Fatal("govrrpd genhash failed")
	}
	if strings.TrimSpace(out.String()) != strings.TrimSpace(string(ref)) {
		t.Fatalf("govrrpd genhash %q, keepalived genhash %q", out.String(), ref)
	}
}

func TestGenhashUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := genhashMain([]string{"-s", "127.0.0.1"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "required") {
		t.Fatalf("missing flags: exit %d, stderr %q", code, errb.String())
	}
	host, port, _ := genhashServer(t, false)
	if code := genhashMain([]string{"-s", host, "-p", port, "-u", "/", "-P", "2.0"}, &out, &errb); code != 1 {
		t.Fatalf("bad protocol: exit %d", code)
	}
}
