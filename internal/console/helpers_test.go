package console

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/control/controltest"
	"github.com/govrrpd/govrrpd/internal/plan"
	"github.com/govrrpd/govrrpd/internal/status"
)

const testToken = "0123456789abcdef-console-token"

// backend is the control fake with a real plan: the running
// configuration is the copy made by newEnv.
type backend struct {
	*controltest.Fake
	running string
	mu      sync.Mutex
	edit    func(*status.Daemon)
	// hash is the config hash after the test's reloads: each one moves
	// it, as an applied edit moves the daemon's.
	hash    string
	reloads int
}

func (b *backend) Reload(ctx context.Context) (status.Reload, error) {
	b.mu.Lock()
	b.reloads++
	b.hash = fmt.Sprintf("%064x", b.reloads)
	b.mu.Unlock()
	return b.Fake.Reload(ctx)
}

// Snapshot is the fake's, with the test's later change applied: the
// browser test moves mastership while a page watches.
func (b *backend) Snapshot(ctx context.Context) (status.Daemon, error) {
	d, err := b.Fake.Snapshot(ctx)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.hash != "" {
		d.ConfigHash = b.hash
	}
	if b.edit != nil {
		d.Instances = slices.Clone(d.Instances)
		b.edit(&d)
	}
	return d, err
}

func (b *backend) setEdit(f func(*status.Daemon)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.edit = f
}

func (b *backend) Plan(_ context.Context, file string) (status.Plan, error) {
	return plan.Files(b.running, file, confparse.Options{})
}

// env is a console mounted on the control server's TCP handler, as the
// daemon wires it, over a copy of testdata/conf.
type env struct {
	t    testing.TB
	srv  *httptest.Server
	b    *backend
	c    *Console
	conf string // the main file
	mu   sync.Mutex
	now  time.Time
}

func newEnv(t testing.TB, allowEdit bool) *env {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"keepalived.conf", "vs.conf"} {
		b, err := os.ReadFile(filepath.Join("testdata/conf", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	// the plan's "running" side is a snapshot taken before any edit
	run := filepath.Join(t.TempDir(), "running")
	if err := os.CopyFS(run, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, conf: filepath.Join(dir, "keepalived.conf"), now: time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC)}
	e.b = &backend{Fake: controltest.New(), running: filepath.Join(run, "keepalived.conf")}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := control.New(e.b, control.Options{Log: log, Token: []byte(testToken)})
	c := New(e.b, Options{Log: log, Auth: s.Auth(), ConfigFile: e.conf, AllowEdit: allowEdit,
		Tick: 50 * time.Millisecond, Now: e.clock})
	e.c = c
	s.Mount(Prefix, c)
	e.srv = httptest.NewServer(s.TCPHandler())
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

// client is a browser: cookies kept, redirects not followed.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) do(cl *http.Client, method, path string, form url.Values) (int, string, http.Header) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := cl.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// login returns a logged-in client and its CSRF token.
func (e *env) login() (*http.Client, string) {
	e.t.Helper()
	cl := e.client()
	code, _, _ := e.do(cl, "POST", "/ui/login", url.Values{"token": {testToken}})
	if code != http.StatusSeeOther {
		e.t.Fatalf("login: %d", code)
	}
	_, body, _ := e.do(cl, "GET", "/ui/", nil)
	return cl, csrfOf(e.t, body)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func csrfOf(t testing.TB, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in page")
	}
	return m[1]
}

var (
	hashRE    = regexp.MustCompile(`name="hash" value="([0-9a-f]+)"`)
	runningRE = regexp.MustCompile(`name="running" value="([0-9a-f]+)"`)
)

// editForm loads the editor for file and returns its text and the
// form's fields: csrf, file, hash and running.
func (e *env) editForm(cl *http.Client, file string) (string, url.Values) {
	e.t.Helper()
	code, body, _ := e.do(cl, "GET", "/ui/config/edit?file="+url.QueryEscape(file), nil)
	if code != 200 {
		e.t.Fatalf("edit form: %d %s", code, body)
	}
	h, r := hashRE.FindStringSubmatch(body), runningRE.FindStringSubmatch(body)
	if h == nil || r == nil {
		e.t.Fatal("no hash or running hash in the edit form")
	}
	b, _ := os.ReadFile(file)
	return redact(string(b)), url.Values{"csrf": {csrfOf(e.t, body)}, "file": {file}, "hash": {h[1]}, "running": {r[1]}}
}

// runningHash is the daemon's config hash now, as a page loaded now
// carries it.
func (e *env) runningHash() string {
	e.t.Helper()
	d, err := e.b.Snapshot(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return d.ConfigHash
}

// with is form plus more fields.
func with(form url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = slices.Clone(v)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}
