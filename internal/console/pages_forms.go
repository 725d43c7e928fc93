package console

func (d importResult) content(o *out, p *page) {
	o.raw("<h1>Import a Piranha lvs.cf</h1>\n<form method=\"post\" action=\"/ui/import\"><input type=\"hidden\" name=\"csrf\" value=\"").h(p.CSRF).
		raw("\">\n<label>Node <select name=\"node\"><option ")
	if d.Node == "primary" {
		o.raw("selected")
	}
	o.raw(">primary</option><option ")
	if d.Node == "backup" {
		o.raw("selected")
	}
	o.raw(">backup</option></select></label>\n<label>virtual_router_id <input name=\"vrid\" value=\"").h(d.VRID).
		raw("\" size=\"4\"></label>\n<textarea name=\"lvscf\" rows=\"20\" cols=\"100\" spellcheck=\"false\" id=\"lvscf\">").h(d.Input).
		raw("</textarea>\n<p><button id=\"convert\">Convert</button></p></form>\n")
	if d.Error != "" {
		o.raw(`<p class="err">`).h(d.Error).raw("</p>")
	}
	o.raw("\n")
	writeLines(o, "<h2>Diagnostics</h2><pre>", d.Diags)
	o.raw("\n")
	if d.Output != "" {
		o.raw(`<h2>keepalived.conf</h2><pre id="output">`).h(d.Output).raw("</pre>")
	}
	o.raw("\n")
}

// loginData is the login page.
type loginData struct {
	Enabled     bool
	Next, Error string
}

func (d loginData) content(o *out, _ *page) {
	o.raw("<h1>Log in</h1>\n")
	if !d.Enabled {
		o.raw("<p class=\"err\">This daemon has no --http-token-file: the console is read-only.</p>\n")
		return
	}
	o.raw("<form method=\"post\" action=\"/ui/login\" id=\"login-form\">\n<input type=\"hidden\" name=\"next\" value=\"").h(d.Next).
		raw("\">\n<label>Token (the content of --http-token-file) <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\" required></label>\n<button id=\"login-btn\">Log in</button></form>\n")
	if d.Error != "" {
		o.raw(`<p class="err" id="login-error">`).h(d.Error).raw("</p>")
	}
	o.raw("\n\n")
}

// messageData is an action's result, or an error page.
type messageData struct {
	Error, Done, Back string
}

func (d messageData) content(o *out, p *page) {
	if d.Error != "" {
		o.raw(`<p class="err" id="error">`).h(d.Error).raw("</p>")
		if !p.LoggedIn {
			o.raw(`<p><a href="/ui/login">Log in</a></p>`)
		}
		o.raw("\n\n")
		return
	}
	o.raw(`<p class="ok" id="done">Done: `).h(d.Done).raw(`</p><p><a href="`).href(d.Back).raw("\" id=\"back\">Back</a></p>\n")
}
