package control_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/control/controltest"
)

// FuzzAPI sends arbitrary requests to both handlers: every answer must be
// JSON (or /metrics text), no request may panic the daemon, and a TCP
// request without the token must never reach the backend's actions.
func FuzzAPI(f *testing.F) {
	f.Add("POST", "/api/v1/drain", `{"virtual_server":"TCP 192.0.2.100:80","real_server":"192.0.2.21:80"}`)
	f.Add("POST", "/api/v1/maintenance", `{"instance":"VI_1","on":true}`)
	f.Add("POST", "/api/v1/plan", `{"file":"/etc/keepalived/keepalived.conf"}`)
	f.Add("GET", "/api/v1/instances/VI_1", ``)
	f.Add("GET", "/api/v1/instances/%2e%2e", ``)
	f.Add("PUT", "/api/v1/reload", `[]`)
	f.Add("POST", "/api/v1/drain", `{"virtual_server":1}`)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(method, " \t\r\n") || method == "" {
			return
		}
		fake := controltest.New()
		s := control.New(fake, control.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		req, err := http.NewRequest(method, "http://govrrpd"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		s.TCPHandler().ServeHTTP(rec, req)
		if len(fake.Calls) != 0 {
			t.Fatalf("%s %s reached the backend over TCP without a token: %v", method, path, fake.Calls)
		}
		// The mux's own redirects (path cleaning) and 405s are plain text;
		// every answer of the API's handlers is JSON.
		api := strings.HasPrefix(req.URL.Path, "/api/")
		if api && rec.Code/100 != 3 && rec.Code != http.StatusMethodNotAllowed && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s: %d answer is not JSON: %q", method, path, rec.Code, rec.Body)
		}
		req, _ = http.NewRequest(method, "http://govrrpd"+path, strings.NewReader(body))
		asSocketPeer(s.SocketHandler()).ServeHTTP(httptest.NewRecorder(), req)
	})
}
