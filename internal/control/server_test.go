package control_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/control/controltest"
	"github.com/govrrpd/govrrpd/internal/status"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

const testToken = "s3cret-token-0123456789abcdef"

func newServer(t *testing.T, token []byte) (*control.Server, *controltest.Fake, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	f := controltest.New()
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "govrrpd_up 1\n") })
	s := control.New(f, control.Options{Log: slog.New(slog.NewTextHandler(&logs, nil)), Token: token, Metrics: metrics})
	return s, f, &logs
}

func do(t *testing.T, h http.Handler, method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// asSocketPeer gives requests the caller the socket's ConnContext would:
// root with write access.
func asSocketPeer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := control.Caller{Via: "socket", UID: 0, PID: 77, CanWrite: true}
		h.ServeHTTP(w, r.WithContext(control.WithCaller(r.Context(), c)))
	})
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n%s", name, got)
	}
}

// TestAPIGolden pins the JSON schema of every read endpoint (docs/api.md).
func TestAPIGolden(t *testing.T) {
	s, _, _ := newServer(t, nil)
	h := s.TCPHandler()
	for _, c := range []struct{ path, golden string }{
		{"/api/v1/status", "status.json"},
		{"/api/v1/instances", "instances.json"},
		{"/api/v1/instances/VI_6", "instance_vi6.json"},
		{"/api/v1/sync-groups", "sync_groups.json"},
		{"/api/v1/peers", "peers.json"},
		{"/api/v1/virtual-servers", "virtual_servers.json"},
		{"/api/v1/checkers", "checkers.json"},
		{"/api/v1/reloads", "reloads.json"},
	} {
		t.Run(c.golden, func(t *testing.T) {
			rec := do(t, h, "GET", c.path, "")
			if rec.Code != 200 {
				t.Fatalf("GET %s: %d %s", c.path, rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			golden(t, c.golden, rec.Body.Bytes())
		})
	}
}

// TestAPIStatusRoundTrip checks the JSON reads back into the same snapshot,
// so the CLI sees what the daemon sent.
func TestAPIStatusRoundTrip(t *testing.T) {
	s, _, _ := newServer(t, nil)
	rec := do(t, s.SocketHandler(), "GET", "/api/v1/status", "")
	var d status.Daemon
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	want := controltest.Sample()
	if d.Instances[0].AdvertInt != want.Instances[0].AdvertInt || !d.Now.Equal(want.Now) ||
		d.VirtualServers[0].Reals[0].Checkers[0].LastLatency != want.VirtualServers[0].Reals[0].Checkers[0].LastLatency {
		t.Errorf("round trip changed the snapshot: %+v", d.Instances[0])
	}
}

func TestAPIErrors(t *testing.T) {
	s, _, _ := newServer(t, nil)
	h := asSocketPeer(s.SocketHandler())
	for _, c := range []struct {
		method, path, body string
		code               int
		msg                string
	}{
		{"GET", "/api/v1/instances/VI_9", "", 404, `vrrp_instance \"VI_9\": not found`},
		{"GET", "/api/v1/nothing", "", 404, "no API endpoint GET /api/v1/nothing"},
		{"POST", "/api/v1/drain", `{"virtual_server":"TCP 192.0.2.100:80","real_server":"192.0.2.99:80"}`, 404, "real server 192.0.2.99:80"},
		{"POST", "/api/v1/drain", `{"virtual_server":"TCP 192.0.2.100:80"}`, 400, "real_server are required"},
		{"POST", "/api/v1/drain", `{"vs":"x"}`, 400, `unknown field \"vs\"`},
		{"POST", "/api/v1/maintenance", `{"on":true}`, 400, "instance is required"},
		{"POST", "/api/v1/maintenance", `not json`, 400, "request body"},
	} {
		rec := do(t, h, c.method, c.path, c.body)
		if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.msg) {
			t.Errorf("%s %s %s: %d %s, want %d with %q", c.method, c.path, c.body, rec.Code, rec.Body, c.code, c.msg)
		}
	}
}

// TestSocketActions runs every admin action over the socket handler and
// checks it reached the backend and was logged with who and what.
func TestSocketActions(t *testing.T) {
	s, f, logs := newServer(t, nil)
	h := asSocketPeer(s.SocketHandler())
	for _, c := range []struct{ path, body, call, log string }{
		{"/api/v1/drain", `{"virtual_server":"TCP 192.0.2.100:80","real_server":"192.0.2.21:80"}`, "drain=true TCP 192.0.2.100:80 192.0.2.21:80", "action=drain"},
		{"/api/v1/undrain", `{"virtual_server":"TCP 192.0.2.100:80","real_server":"192.0.2.21:80"}`, "drain=false TCP 192.0.2.100:80 192.0.2.21:80", "action=undrain"},
		{"/api/v1/maintenance", `{"instance":"VI_1","on":true}`, "maintenance=true VI_1", "action=maintenance"},
		{"/api/v1/reload", `{}`, "reload", "action=reload"},
		{"/api/v1/plan", `{"file":"/tmp/new.conf"}`, "plan /tmp/new.conf", "action=plan"},
	} {
		rec := do(t, h, "POST", c.path, c.body)
		if rec.Code != 200 {
			t.Fatalf("POST %s: %d %s", c.path, rec.Code, rec.Body)
		}
		if last := f.Calls[len(f.Calls)-1]; last != c.call {
			t.Errorf("POST %s reached the backend as %q, want %q", c.path, last, c.call)
		}
		if !strings.Contains(logs.String(), `who="uid 0 pid 77" `+c.log) {
			t.Errorf("POST %s not logged with who and what:\n%s", c.path, logs)
		}
	}
	d, _ := f.Snapshot(context.Background())
	if !d.Instances[0].Maintenance || d.Instances[0].State != "BACKUP" {
		t.Errorf("maintenance did not reach the snapshot: %+v", d.Instances[0])
	}
}

// TestTCPWritesNeedToken: without a token file every write is 403 with a
// message saying how to enable writes; reads work.
func TestTCPWritesNeedToken(t *testing.T) {
	s, f, logs := newServer(t, nil)
	h := s.TCPHandler()
	for _, p := range []string{"/api/v1/drain", "/api/v1/undrain", "/api/v1/maintenance", "/api/v1/reload", "/api/v1/plan"} {
		rec := do(t, h, "POST", p, `{}`, "Authorization", "Bearer "+testToken)
		if rec.Code != 403 || !strings.Contains(rec.Body.String(), "--http-token-file") {
			t.Errorf("POST %s without a configured token: %d %s", p, rec.Code, rec.Body)
		}
	}
	if len(f.Calls) != 0 {
		t.Errorf("refused writes reached the backend: %v", f.Calls)
	}
	if !strings.Contains(logs.String(), "write refused") {
		t.Errorf("refused writes not logged:\n%s", logs)
	}
	if rec := do(t, h, "GET", "/api/v1/instances", ""); rec.Code != 200 {
		t.Errorf("read over TCP: %d", rec.Code)
	}
	if rec := do(t, h, "GET", "/metrics", ""); rec.Code != 200 || rec.Body.String() != "govrrpd_up 1\n" {
		t.Errorf("/metrics over TCP: %d %s", rec.Code, rec.Body)
	}
}

// TestTCPToken: with a token, writes need exactly it; the token appears in
// no log line and no answer.
func TestTCPToken(t *testing.T) {
	s, f, logs := newServer(t, []byte(testToken))
	h := s.TCPHandler()
	body := `{"virtual_server":"TCP 192.0.2.100:80","real_server":"192.0.2.22:80"}`
	var answers strings.Builder
	for _, c := range []struct {
		auth string
		code int
	}{
		{"", 403}, {"Bearer wrong-token-0123456789", 403}, {"Bearer " + testToken[:len(testToken)-1], 403},
		{"Basic " + testToken, 403}, {"Bearer " + testToken, 200},
	} {
		rec := do(t, h, "POST", "/api/v1/drain", body, "Authorization", c.auth)
		answers.WriteString(rec.Body.String())
		if rec.Code != c.code {
			t.Errorf("Authorization %q: %d %s, want %d", c.auth, rec.Code, rec.Body, c.code)
		}
	}
	if len(f.Calls) != 1 {
		t.Errorf("backend calls %v, want the one with the token", f.Calls)
	}
	rec := do(t, h, "GET", "/api/v1/status", "", "Authorization", "Bearer "+testToken)
	answers.WriteString(rec.Body.String())
	rec = do(t, h, "GET", "/metrics", "", "Authorization", "Bearer "+testToken)
	answers.WriteString(rec.Body.String())
	if !strings.Contains(logs.String(), `who="token from`) {
		t.Errorf("the token-authorized drain is not logged as by token:\n%s", logs)
	}
	for what, s := range map[string]string{"log": logs.String(), "API answers": answers.String()} {
		if strings.Contains(s, testToken) || strings.Contains(s, testToken[:12]) {
			t.Errorf("the token appears in the %s", what)
		}
	}
}

// TestMount serves a console handler beside the API, behind the same
// middleware.
func TestMount(t *testing.T) {
	s, _, _ := newServer(t, []byte(testToken))
	s.Mount("/ui/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, control.CallerOf(r.Context()).String())
	}))
	rec := do(t, s.TCPHandler(), "GET", "/ui/", "", "Authorization", "Bearer "+testToken)
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "token from ") {
		t.Errorf("/ui/: %d %q", rec.Code, rec.Body)
	}
}
