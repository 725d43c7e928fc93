package console

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/livefollow"
	"github.com/govrrpd/govrrpd/internal/status"
)

//go:embed web
var webFS embed.FS

// Prefix is where the console is mounted.
const Prefix = "/ui/"

// Options configure a Console.
type Options struct {
	Log *slog.Logger
	// Auth checks the login token; a console without a configured token
	// is read-only.
	Auth *control.TokenAuth
	// ConfigFile is the running keepalived.conf (-f); the editor works on
	// it and the files it includes.
	ConfigFile string
	// ConfigOptions read an edited file as the daemon reads it (-i, -e).
	ConfigOptions confparse.Options
	// AllowEdit is --http-allow-edit.
	AllowEdit bool
	// Tick is how often the event stream samples the snapshot (1 s).
	Tick time.Duration
	// SessionTTL bounds a login (default 1 h).
	SessionTTL time.Duration
	// Now is the clock (tests move it).
	Now func() time.Time
}

// Console is the /ui/ handler.
type Console struct {
	b    control.Backend
	o    Options
	log  *slog.Logger
	mux  *http.ServeMux
	sess *sessions
	hub  *hub
	// follow is the hub's memory of the last sample (follow.go).
	follow livefollow.Follower
}

// New returns the console over b. It is cheap: it builds nothing a page
// needs until one is served.
func New(b control.Backend, o Options) *Console {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Auth == nil {
		o.Auth = control.NewTokenAuth(nil)
	}
	if o.Tick == 0 {
		o.Tick = time.Second
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &Console{b: b, o: o, log: o.Log, sess: newSessions(o.Now, o.SessionTTL)}
	c.hub = newHub(c.sample, o.Tick)
	c.routes()
	return c
}

func (c *Console) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(webFS, "web/static")
	m.Handle("GET /ui/static/", http.StripPrefix("/ui/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /ui/{$}", c.overview)
	m.HandleFunc("GET /ui/lvs", c.lvsPage)
	m.HandleFunc("GET /ui/reloads", c.reloadsPage)
	m.HandleFunc("GET /ui/events", c.events)
	m.HandleFunc("GET /ui/login", c.loginForm)
	m.HandleFunc("POST /ui/login", c.login)
	m.HandleFunc("POST /ui/logout", c.write(c.logout))
	m.HandleFunc("POST /ui/drain", c.write(c.drain))
	m.HandleFunc("POST /ui/maintenance", c.write(c.maintenance))
	m.HandleFunc("POST /ui/reload", c.write(c.reload))
	m.HandleFunc("GET /ui/config", c.session(c.configView))
	m.HandleFunc("GET /ui/config/edit", c.session(c.editForm))
	m.HandleFunc("POST /ui/config/check", c.write(c.editCheck))
	m.HandleFunc("POST /ui/config/apply", c.write(c.editApply))
	m.HandleFunc("POST /ui/config/object", c.write(c.objectSet))
	m.HandleFunc("GET /ui/import", c.session(c.importForm))
	m.HandleFunc("POST /ui/import", c.write(c.importRun))
	m.HandleFunc("/ui/", func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, http.StatusNotFound, "no console page "+r.Method+" "+r.URL.Path)
	})
	c.mux = m
}

// csp allows nothing from outside the listener and no inline script:
// the one script is /ui/static/app.js.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// ServeHTTP sets the security headers every console response carries.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	c.mux.ServeHTTP(w, r)
}

// snapshot bounds one backend call as the API does.
func (c *Console) snapshot(ctx context.Context) (status.Daemon, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.b.Snapshot(ctx)
}
