package console

import "github.com/govrrpd/govrrpd/internal/status"

// writePage writes the layout around p's content (web/layout.html before
// the templates were replaced; testdata/tmpl/layout.html now).
func writePage(o *out, p *page) {
	o.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>govrrpd · ").
		h(p.Title).
		raw("</title>\n<link rel=\"stylesheet\" href=\"/ui/static/app.css\">\n<script src=\"/ui/static/app.js\" defer></script>\n</head><body>\n<header><strong>govrrpd</strong>\n<nav>\n")
	for _, l := range [...]struct{ href, nav, label string }{
		{"/ui/", "overview", "Routers"}, {"/ui/lvs", "lvs", "Virtual servers"}, {"/ui/reloads", "reloads", "Reloads"},
		{"/ui/config", "config", "Configuration"}, {"/ui/import", "import", "Import lvs.cf"},
	} {
		o.raw(`<a href="` + l.href + `" `)
		if p.Nav == l.nav {
			o.raw(`class="on"`)
		}
		o.raw(">" + l.label + "</a>\n")
	}
	o.raw("</nav>\n<span class=\"who\">")
	if p.LoggedIn {
		o.raw("\n<form method=\"post\" action=\"/ui/logout\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"").
			h(p.CSRF).raw("\"><button id=\"logout\">Log out</button></form>\n")
	} else {
		o.raw(`<a href="/ui/login" id="login-link">Log in</a>`)
	}
	o.raw("\n<span id=\"live\" title=\"live updates\">●</span></span>\n</header>\n<main>")
	p.Data.content(o, p)
	o.raw("</main>\n</body></html>")
}

// writePager writes a list's filter form and page links.
func writePager(o *out, pg pager) {
	o.raw(`<form method="get" class="filter"><input name="q" value="`).h(pg.Query).
		raw("\" placeholder=\"filter\" id=\"q\"><button>Filter</button>\n<span>").num(int64(pg.Matching)).
		raw(" of ").num(int64(pg.Total)).raw(" · page ").num(int64(pg.Page)).raw("/").num(int64(pg.Pages)).raw("</span>\n")
	if pg.PrevURL != "" {
		o.raw(`<a href="`).href(pg.PrevURL).raw(`">← prev</a>`)
	}
	o.raw(" ")
	if pg.NextURL != "" {
		o.raw(`<a href="`).href(pg.NextURL).raw(`" id="next">next →</a>`)
	}
	o.raw("</form>")
}

// writeShown says how much of a list the instance filter left out.
func writeShown(o *out, items, matching, total int) {
	if items < total {
		o.raw(`<p class="note">`).num(int64(items)).raw(" shown of ").num(int64(matching)).
			raw(" matching (").num(int64(total)).raw(" in all): the instance filter narrows this list too.</p>")
	}
}

// writeChange writes one change of a reload or a plan.
func writeChange(o *out, ch status.Change) {
	o.h(ch.Op).raw(" ").h(ch.Kind).raw(" ").h(ch.Object)
	if ch.Parent != "" {
		o.raw(" (").h(ch.Parent).raw(")")
	}
	o.raw(" ").h(ch.Detail)
}
