package console

import (
	"strconv"

	"github.com/govrrpd/govrrpd/internal/status"
)

// lvsData is the virtual servers page.
type lvsData struct {
	D     status.Daemon
	Rows  []status.VirtualServer
	Pager pager
}

func (d lvsData) content(o *out, p *page) {
	o.raw("\n<h1>Virtual servers</h1>")
	writePager(o, d.Pager)
	o.raw("\n")
	for i := range d.Rows {
		writeVS(o, p, &d.Rows[i])
	}
	if len(d.Rows) == 0 {
		o.raw("<p>No virtual servers.</p>")
	}
	o.raw("\n")
}

// writeVS writes one virtual server's section.
func writeVS(o *out, p *page, vs *status.VirtualServer) {
	o.raw(`<section class="vs"><h2>`).h(vs.Key).raw(" <small>").h(vs.Scheduler)
	if vs.Quorum {
		o.raw(" · quorum up")
	} else {
		o.raw(" · quorum down")
	}
	o.raw(" · ").unum(vs.Stats.Conns).raw(" conns · ").unum(vs.Stats.CPS).
		raw(" conn/s</small></h2>\n<table><tr><th>Real server</th><th>Health</th><th>Weight configured</th><th>Weight now</th><th>Last check</th><th>Latency</th><th>Conns</th><th>conn/s</th><th>in pkt/s</th><th>out pkt/s</th>")
	if p.LoggedIn {
		o.raw("<th></th>")
	}
	o.raw("</tr>\n")
	for i := range vs.Reals {
		writeReal(o, p, vs.Key, &vs.Reals[i])
	}
	o.raw("</table></section>\n")
}

// writeReal writes one real server's row.
func writeReal(o *out, p *page, vs string, rs *status.RealServer) {
	id := func(f string) {
		o.raw(`<td data-id="r-`).h(vs).raw("|").h(rs.Key).raw(`" data-f="` + f + `">`)
	}
	o.raw("<tr><td>").h(rs.Key).raw("</td>")
	id("health")
	if rs.Healthy {
		o.raw("up")
	} else {
		o.raw("down")
	}
	if rs.Drained {
		o.raw(", drained")
	}
	o.raw("</td>\n<td>").num(int64(rs.WeightConfigured)).raw("</td>")
	id("weight")
	o.num(int64(rs.WeightCurrent)).raw("</td>\n<td>")
	for _, ck := range rs.Checkers {
		o.raw("<div>").h(ck.Kind).raw(" (").h(ck.At).raw("): ").h(ck.LastResult).raw("</div>")
	}
	o.raw("</td><td>")
	for _, ck := range rs.Checkers {
		o.raw("<div>").h(ms(ck.LastLatency)).raw("</div>")
	}
	o.raw("</td>\n")
	id("conns")
	o.unum(rs.Stats.Conns).raw("</td><td>").unum(rs.Stats.CPS).raw("</td><td>").unum(rs.Stats.InPPS).
		raw("</td><td>").unum(rs.Stats.OutPPS).raw("</td>\n")
	if p.LoggedIn {
		o.raw(`<td><form method="post" action="/ui/drain" class="inline"><input type="hidden" name="csrf" value="`).h(p.CSRF).
			raw("\"><input type=\"hidden\" name=\"back\" value=\"/ui/lvs\">\n<input type=\"hidden\" name=\"vs\" value=\"").h(vs).
			raw(`"><input type="hidden" name="rs" value="`).h(rs.Key).raw(`"><input type="hidden" name="on" value="`).
			raw(strconv.FormatBool(!rs.Drained)).raw("\">\n<button class=\"drain\" data-rs=\"").h(rs.Key).raw(`">`)
		if rs.Drained {
			o.raw("undrain")
		} else {
			o.raw("drain")
		}
		o.raw("</button></form></td>")
	}
	o.raw("</tr>")
}
