package console

// configData is the running configuration page.
type configData struct {
	Objects []object
	Files   []string
	Diags   []string
	Running string
}

func (d configData) content(o *out, p *page) {
	o.raw("<h1>Running configuration</h1>\n<h2>Files</h2><ul>")
	for _, f := range d.Files {
		o.raw("<li>").h(f)
		if p.AllowEdit {
			o.raw(` · <a href="/ui/config/edit?file=`).query(f).raw(`" class="edit">edit</a>`)
		}
		o.raw("</li>")
	}
	o.raw("</ul>\n")
	if !p.AllowEdit {
		o.raw("<p>Editing is off (start govrrpd with --http-allow-edit).</p>")
	}
	o.raw("\n")
	writeLines(o, "<h2>Diagnostics</h2><pre>", d.Diags)
	o.raw("\n<h2>Objects</h2><table><tr><th>Kind</th><th>Name</th><th>Written at</th>")
	if p.AllowEdit {
		o.raw("<th>Change</th>")
	}
	o.raw("</tr>\n")
	for _, ob := range d.Objects {
		o.raw("<tr><td>").h(ob.Kind).raw("</td><td>").h(ob.Name).raw("</td><td>").h(ob.At).raw("</td>\n")
		if p.AllowEdit {
			o.raw("<td>")
			if len(ob.Keys) > 0 {
				writeObjectForm(o, p, d.Running, ob)
			}
			o.raw("</td>")
		}
		o.raw("</tr>")
	}
	o.raw("</table>\n")
}

// writeLines writes a <pre> of lines, one a line, after head, when there
// are any.
func writeLines(o *out, head string, lines []string) {
	if len(lines) == 0 {
		return
	}
	o.raw(head)
	for _, l := range lines {
		o.h(l).raw("\n")
	}
	o.raw("</pre>")
}

// writeObjectForm writes the form that sets one setting of an object.
func writeObjectForm(o *out, p *page, running string, ob object) {
	o.raw(`<form method="post" action="/ui/config/object" class="inline"><input type="hidden" name="csrf" value="`).h(p.CSRF).
		raw("\">\n<input type=\"hidden\" name=\"at\" value=\"").h(ob.At).raw(`"><input type="hidden" name="running" value="`).h(running).
		raw(`"><input type="hidden" name="kind" value="`).h(ob.Kind).raw("\">\n<select name=\"key\" class=\"objkey\">")
	for _, k := range ob.Keys {
		o.raw(`<option value="`).h(k).raw(`">`)
		if k == "virtual_ipaddress" {
			o.raw("add VIP")
		} else {
			o.h(k)
		}
		o.raw("</option>")
	}
	o.raw("</select>\n<input name=\"value\" size=\"14\" class=\"objval\" aria-label=\"value\"> <button>Check and plan</button></form>")
}

func (d editState) content(o *out, p *page) {
	o.raw("<h1>Edit ").h(d.File).raw("</h1>\n")
	if d.Conflict != "" {
		o.raw(`<p class="err" id="conflict">`).h(d.Conflict).raw("</p>")
	}
	o.raw("\n")
	if len(d.Errors) > 0 {
		writeLines(o, `<div class="err" id="errors"><p>The file is refused; nothing was changed:</p><pre>`, d.Errors)
		o.raw("</div>")
	}
	o.raw("\n")
	writeLines(o, `<pre class="warn">`, d.Warnings)
	o.raw("\n")
	if r := d.Result; r != nil {
		o.raw(`<div class="ok" id="result"><p>Written; reload: <strong>`).h(r.Result).raw("</strong> ").h(r.Error).raw("</p>\n")
		for _, ch := range r.Changes {
			o.raw("<div>")
			writeChange(o, ch)
			o.raw("</div>")
		}
		o.raw("</div>")
	}
	o.raw("\n")
	d.writePlan(o)
	o.raw("\n<form method=\"post\" id=\"edit-form\">\n<input type=\"hidden\" name=\"csrf\" value=\"").h(p.CSRF).
		raw(`"><input type="hidden" name="file" value="`).h(d.File).raw(`"><input type="hidden" name="hash" value="`).h(d.Hash).
		raw(`"><input type="hidden" name="planned" value="`).h(d.Planned).raw(`"><input type="hidden" name="running" value="`).h(d.Running).
		raw("\">\n<textarea name=\"text\" id=\"text\" rows=\"30\" cols=\"100\" spellcheck=\"false\">").h(d.Text).
		raw("</textarea>\n<p><button formaction=\"/ui/config/check\" id=\"check\">Check and show the plan</button>\n")
	if d.Plan != nil && len(d.Errors) == 0 {
		o.raw(`<button formaction="/ui/config/apply" id="apply">Apply: write and reload</button>`)
	}
	o.raw("</p></form>\n<p class=\"note\">Authentication keys show as __SECRET_N__; leave them to keep the key, or type a new one.</p>\n")
}

// writePlan writes what a reload of the edited text would change.
func (d editState) writePlan(o *out) {
	pl := d.Plan
	if pl == nil {
		return
	}
	o.raw(`<div id="plan"><h2>Plan</h2>`)
	if len(pl.Changes) == 0 {
		o.raw("<p>No change.</p>")
	}
	o.raw("\n<ul>")
	for _, ch := range pl.Changes {
		o.raw("<li>")
		writeChange(o, ch)
		if ch.KeepsState {
			o.raw(" · keeps state")
		}
		for _, op := range ch.Ops {
			o.raw("<div><code>").h(op).raw("</code></div>")
		}
		o.raw("</li>")
	}
	o.raw("</ul></div>")
}
