package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, false)
	cl := e.client()
	for _, p := range []string{"/ui/", "/ui/lvs", "/ui/reloads", "/ui/login", "/ui/static/app.js", "/ui/nope", "/ui/config"} {
		_, _, h := e.do(cl, "GET", p, nil)
		c := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(c, want) {
				t.Errorf("%s: CSP %q lacks %s", p, c, want)
			}
		}
		if strings.Contains(c, "unsafe") || strings.Contains(c, "*") || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
	_, _, h := e.do(cl, "GET", "/ui/", nil)
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("page cacheable: %q", h.Get("Cache-Control"))
	}
}

func TestMonitoringPages(t *testing.T) {
	e := newEnv(t, false)
	cl := e.client()
	tests := []struct{ path, want string }{
		{"/ui/", "master down timer expired"},
		{"/ui/", "script chk_nginx: -10"},
		{"/ui/", "fe80::2"},
		{"/ui/lvs", "192.0.2.22:80"},
		{"/ui/lvs", "connection refused"},
		{"/ui/reloads", "applied"},
	}
	for _, tc := range tests {
		code, body, _ := e.do(cl, "GET", tc.path, nil)
		if code != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d, missing %q", tc.path, code, tc.want)
		}
		if strings.Contains(body, `action="/ui/drain"`) {
			t.Errorf("GET %s: anonymous page offers a drain", tc.path)
		}
	}
}

func TestPagingAt4000Instances(t *testing.T) {
	e := newEnv(t, false)
	e.b.D.Instances = manyInstances(4000)
	code, body, _ := e.do(e.client(), "GET", "/ui/?page=3", nil)
	if code != 200 || strings.Count(body, `data-f="state"`) != pageSize || !strings.Contains(body, "VI_0250<") {
		t.Fatalf("page 3: %d, %d rows", code, strings.Count(body, `data-f="state"`))
	}
	_, body, _ = e.do(e.client(), "GET", "/ui/?q=VI_3999", nil)
	if n := strings.Count(body, `data-f="state"`); n != 1 {
		t.Fatalf("filter: %d rows", n)
	}
}

// Peers and sync groups of 4,000 instances are a page each too, narrowed
// by the same filter.
func TestPeersAndGroupsAt4000Instances(t *testing.T) {
	e := newEnv(t, false)
	e.b.D.Peers, e.b.D.SyncGroups = nil, nil
	for i := range 4000 {
		name := fmt.Sprintf("VI_%04d", i)
		e.b.D.Peers = append(e.b.D.Peers, status.Peer{Instance: name, Addr: "192.0.2.2", Priority: 200})
		if i%2 == 0 {
			e.b.D.SyncGroups = append(e.b.D.SyncGroups, status.SyncGroup{Name: fmt.Sprintf("G_%04d", i), State: "BACKUP", Members: []string{name}})
		}
	}
	rows := func(body, table string) int {
		_, rest, _ := strings.Cut(body, `<table id="`+table+`">`)
		tbl, _, _ := strings.Cut(rest, "</table>")
		return strings.Count(tbl, "<tr>") - 1
	}
	_, body, _ := e.do(e.client(), "GET", "/ui/", nil)
	if p, g := rows(body, "peers"), rows(body, "groups"); p != pageSize || g != pageSize || !strings.Contains(body, "100 shown of 4000 matching") {
		t.Fatalf("unfiltered: %d peers, %d groups shown", p, g)
	}
	_, body, _ = e.do(e.client(), "GET", "/ui/?q=VI_3998", nil)
	if p, g := rows(body, "peers"), rows(body, "groups"); p != 1 || g != 1 {
		t.Fatalf("filtered: %d peers, %d groups shown", p, g)
	}
}

func manyInstances(n int) []status.Instance {
	out := make([]status.Instance, n)
	for i := range out {
		out[i] = status.Instance{Name: fmt.Sprintf("VI_%04d", i), VRID: uint8(i % 255), State: "BACKUP", Priority: 100,
			EffectivePriority: 100, Interface: "eth0", VIPs: []string{"198.18.0.1/32"}}
	}
	return out
}

func TestLogin(t *testing.T) {
	e := newEnv(t, false)
	cl := e.client()
	if code, _, _ := e.do(cl, "POST", "/ui/login", url.Values{"token": {"wrong-token-xxxxxxxx"}}); code != http.StatusForbidden {
		t.Fatalf("wrong token: %d", code)
	}
	code, _, h := e.do(cl, "POST", "/ui/login", url.Values{"token": {testToken}, "next": {"//evil.example/"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/ui/" {
		t.Fatalf("login: %d to %q", code, h.Get("Location"))
	}
	ck := h.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/ui/"} {
		if !strings.Contains(ck, want) {
			t.Errorf("cookie %q lacks %s", ck, want)
		}
	}
	if strings.Contains(ck, testToken) {
		t.Error("cookie carries the token")
	}
	// expiry is server-side
	e.advance(2 * time.Hour)
	if code, _, _ := e.do(cl, "GET", "/ui/config", nil); code != http.StatusSeeOther {
		t.Errorf("expired session still admitted: %d", code)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, false)
	cl := e.client()
	for i := range loginBurst {
		if code, _, _ := e.do(cl, "POST", "/ui/login", url.Values{"token": {"wrong"}}); code != http.StatusForbidden {
			t.Fatalf("failure %d: %d", i, code)
		}
	}
	if code, _, _ := e.do(cl, "POST", "/ui/login", url.Values{"token": {testToken}}); code != http.StatusTooManyRequests {
		t.Fatalf("6th attempt with the right token: %d, want 429", code)
	}
	e.advance(loginWindow + time.Second)
	if code, _, _ := e.do(cl, "POST", "/ui/login", url.Values{"token": {testToken}}); code != http.StatusSeeOther {
		t.Fatalf("after the window: %d", code)
	}
}

func TestWritesNeedSessionAndCSRF(t *testing.T) {
	e := newEnv(t, false)
	drain := url.Values{"vs": {"TCP 192.0.2.100:80"}, "rs": {"192.0.2.21:80"}, "on": {"true"}}
	if code, _, _ := e.do(e.client(), "POST", "/ui/drain", drain); code != http.StatusForbidden {
		t.Fatalf("anonymous drain: %d", code)
	}
	cl, csrf := e.login()
	if code, _, _ := e.do(cl, "POST", "/ui/drain", drain); code != http.StatusForbidden {
		t.Fatalf("drain without CSRF: %d", code)
	}
	drain.Set("csrf", strings.Repeat("0", len(csrf)))
	if code, _, _ := e.do(cl, "POST", "/ui/drain", drain); code != http.StatusForbidden {
		t.Fatalf("drain with a wrong CSRF token: %d", code)
	}
	if len(e.b.Calls) != 0 {
		t.Fatalf("refused writes reached the backend: %v", e.b.Calls)
	}
	drain.Set("csrf", csrf)
	if code, body, _ := e.do(cl, "POST", "/ui/drain", drain); code != 200 || !strings.Contains(body, "drain TCP 192.0.2.100:80") {
		t.Fatalf("drain: %d %s", code, body)
	}
	for _, f := range []url.Values{{"instance": {"VI_1"}, "on": {"true"}}, {}} {
		f.Set("csrf", csrf)
		path := map[bool]string{true: "/ui/maintenance", false: "/ui/reload"}[f.Has("instance")]
		if code, _, _ := e.do(cl, "POST", path, f); code != 200 {
			t.Fatalf("%s: %d", path, code)
		}
	}
	want := "drain=true TCP 192.0.2.100:80 192.0.2.21:80,maintenance=true VI_1,reload"
	if got := strings.Join(e.b.Calls, ","); got != want {
		t.Fatalf("backend calls %q, want %q", got, want)
	}
	if d, _ := e.b.Snapshot(t.Context()); d.VirtualServers[0].Reals[0].WeightCurrent != 0 {
		t.Fatal("drain did not reach the backend's weight")
	}
}

func TestEditRefusedWithoutFlag(t *testing.T) {
	e := newEnv(t, false)
	cl, csrf := e.login()
	if code, _, _ := e.do(cl, "GET", "/ui/config/edit?file="+url.QueryEscape(e.conf), nil); code != http.StatusForbidden {
		t.Fatalf("edit form without --http-allow-edit: %d", code)
	}
	if code, _, _ := e.do(cl, "POST", "/ui/config/apply", url.Values{"csrf": {csrf}, "file": {e.conf}, "text": {"x"}}); code != http.StatusForbidden {
		t.Fatalf("apply without --http-allow-edit: %d", code)
	}
}

func TestEditOnlyConfigFiles(t *testing.T) {
	e := newEnv(t, true)
	cl, _ := e.login()
	if code, _, _ := e.do(cl, "GET", "/ui/config/edit?file=/etc/shadow", nil); code != http.StatusNotFound {
		t.Fatalf("editing an outside file: %d", code)
	}
}

func TestNoSecretsShown(t *testing.T) {
	e := newEnv(t, true)
	cl, _ := e.login()
	for _, p := range []string{"/ui/config", "/ui/config/edit?file=" + url.QueryEscape(e.conf), "/ui/", "/ui/lvs", "/ui/reloads",
		"/ui/import", "/ui/login"} {
		_, body, _ := e.do(cl, "GET", p, nil)
		if strings.Contains(body, "s3cr3tpw") || strings.Contains(body, testToken) {
			t.Errorf("%s shows a secret", p)
		}
	}
}

// TestEveryPageRenders parses the embedded templates as the first page
// served does (the daemon no longer parses them at start) and checks that
// each page has the layout it is rendered through.
func TestEveryPageRenders(t *testing.T) {
	set := pages.get()
	if set.err != nil {
		t.Fatal(set.err)
	}
	ps := set.byName
	for name, tpl := range ps {
		if tpl.Lookup("layout") == nil {
			t.Errorf("page %s has no layout template", name)
		}
	}
	if len(ps) != 8 {
		t.Errorf("%d pages, want 8", len(ps))
	}
}
