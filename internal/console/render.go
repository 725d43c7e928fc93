package console

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// page is what every template receives.
type page struct {
	Title     string
	Nav       string
	LoggedIn  bool
	CSRF      string
	AllowEdit bool
	Data      any
}

var funcs = template.FuncMap{
	"ms": func(d status.Duration) string {
		return fmt.Sprintf("%.1f ms", float64(time.Duration(d).Microseconds())/1000)
	},
	"ago": func(now, t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return now.Sub(t).Truncate(time.Second).String() + " ago"
	},
	"ts":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") },
	"join":  strings.Join,
	"lower": strings.ToLower,
	"short": func(h string) string {
		if len(h) > 12 {
			return h[:12]
		}
		return h
	},
}

func (c *Console) parseTemplates() error {
	c.pages = map[string]*template.Template{}
	for _, name := range []string{"overview", "lvs", "reloads", "login", "message", "config", "edit", "import"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(webFS, "web/layout.html", "web/"+name+".html")
		if err != nil {
			return fmt.Errorf("console template %s: %w", name, err)
		}
		c.pages[name] = t
	}
	return nil
}

// render writes a page; pages are never cached, since they may carry a
// session's CSRF token or configuration text.
func (c *Console) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	p := page{Title: name, Nav: name, AllowEdit: c.o.AllowEdit, Data: data}
	if x := c.current(r); x != nil {
		p.LoggedIn, p.CSRF = true, x.csrf
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := c.pages[name].ExecuteTemplate(w, "layout", p); err != nil {
		c.log.Error("console: render", "page", name, "err", err)
	}
}

// fail answers with an error page naming the request.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	w.WriteHeader(code)
	c.render(w, r, "message", map[string]any{"Error": msg})
}
