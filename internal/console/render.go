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

// templateFuncs are the helpers the pages call.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
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
}

// pageSet is the parsed templates, by page name, or why they did not parse.
type pageSet struct {
	byName map[string]*template.Template
	err    error
}

// pages are parsed on the first page served, not when the daemon starts:
// most daemons never serve a page (parsing them made html/template's and
// text/template's code resident at idle). The templates are embedded, so
// a parse error is the build's, and TestEveryPageRenders catches it.
var pages = lazy[pageSet]{build: func() pageSet {
	ps := map[string]*template.Template{}
	for _, name := range []string{"overview", "lvs", "reloads", "login", "message", "config", "edit", "import"} {
		t, err := template.New(name).Funcs(templateFuncs()).ParseFS(webFS, "web/layout.html", "web/"+name+".html")
		if err != nil {
			return pageSet{err: fmt.Errorf("console template %s: %w", name, err)}
		}
		ps[name] = t
	}
	return pageSet{byName: ps}
}}

// render writes a page; pages are never cached, since they may carry a
// session's CSRF token or configuration text.
func (c *Console) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	p := page{Title: name, Nav: name, AllowEdit: c.o.AllowEdit, Data: data}
	if x := c.current(r); x != nil {
		p.LoggedIn, p.CSRF = true, x.csrf
	}
	ps := pages.get()
	if err := ps.err; err != nil {
		c.log.Error("console: render", "page", name, "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := ps.byName[name].ExecuteTemplate(w, "layout", p); err != nil {
		c.log.Error("console: render", "page", name, "err", err)
	}
}

// fail answers with an error page naming the request.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	w.WriteHeader(code)
	c.render(w, r, "message", map[string]any{"Error": msg})
}
