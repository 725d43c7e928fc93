package console

import (
	"fmt"
	"net/http"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// page is what every page is written from: the layout's fields and the
// page's own data.
type page struct {
	Title     string
	Nav       string
	LoggedIn  bool
	CSRF      string
	AllowEdit bool
	Data      content
}

// content is one page's data, which writes the page's main element.
type content interface {
	content(o *out, p *page)
}

// ms is a duration in milliseconds with one decimal.
func ms(d status.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(time.Duration(d).Microseconds())/1000)
}

// ago is how long before now t was, to the second.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return now.Sub(t).Truncate(time.Second).String() + " ago"
}

// ts is a time in UTC to the second.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// short is the start of a hash, enough to tell configurations apart.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// render writes a page; pages are never cached, since they may carry a
// session's CSRF token or configuration text.
func (c *Console) render(w http.ResponseWriter, r *http.Request, name string, data content) {
	p := page{Title: name, Nav: name, AllowEdit: c.o.AllowEdit, Data: data}
	if x := c.current(r); x != nil {
		p.LoggedIn, p.CSRF = true, x.csrf
	}
	var o out
	writePage(&o, &p)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if _, err := w.Write(o.Bytes()); err != nil {
		c.log.Debug("console: render", "page", name, "err", err)
	}
}

// fail answers with an error page naming the request.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	w.WriteHeader(code)
	c.render(w, r, "message", messageData{Error: msg})
}
