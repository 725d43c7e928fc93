package console

import (
	"strconv"
	"strings"

	"github.com/govrrpd/govrrpd/internal/status"
)

// overviewData is the routers page.
type overviewData struct {
	D        status.Daemon
	Rows     []status.Instance
	Pager    pager
	Timeline []Transition
	Peers    shown[status.Peer]
	Groups   shown[status.SyncGroup]
}

func (d overviewData) content(o *out, p *page) {
	s := &d.D
	o.raw("\n<section><h1>This router</h1>\n<table class=\"kv\"><tr><th>Version</th><td>").h(s.Version).
		raw("</td><th>PID</th><td>").num(int64(s.PID)).raw("</td><th>Up since</th><td>").h(ts(s.Started)).
		raw("</td></tr>\n<tr><th>Configuration</th><td>").h(s.ConfigFile).
		raw(`</td><th>Hash</th><td data-id="daemon" data-f="hash">`).h(short(s.ConfigHash)).
		raw(`</td><th>Reloads</th><td data-id="daemon" data-f="reloads">`).unum(s.ReloadStats.Total).raw("</td></tr></table>\n")
	if p.LoggedIn {
		o.raw(`<form method="post" action="/ui/reload" class="inline"><input type="hidden" name="csrf" value="`).h(p.CSRF).
			raw(`"><button id="reload">Reload configuration</button></form>`)
	}
	o.raw("\n</section>\n<section><h2>Peers heard</h2>")
	writeShown(o, len(d.Peers.Items), d.Peers.Matching, d.Peers.Total)
	o.raw("\n<table id=\"peers\"><tr><th>Instance</th><th>Address</th><th>Priority</th><th>Advert interval</th><th>Last advert</th></tr>\n")
	for _, pe := range d.Peers.Items {
		o.raw("<tr><td>").h(pe.Instance).raw("</td><td>").h(pe.Addr).raw("</td><td>").num(int64(pe.Priority)).
			raw("</td><td>").h(ms(pe.AdvertInt)).raw("</td><td>").h(ago(s.Now, pe.LastAdvert)).raw("</td></tr>")
	}
	if len(d.Peers.Items) == 0 {
		o.raw(`<tr><td colspan="5">none</td></tr>`)
	}
	o.raw("</table></section>\n<section><h2>Instances</h2>")
	writePager(o, d.Pager)
	o.raw("\n<table id=\"instances\"><tr><th>Name</th><th>VRID</th><th>Interface</th><th>State</th><th>Priority</th><th>Effective</th><th>Trackers</th><th>Master</th><th>VIPs</th><th>Last change</th>")
	if p.LoggedIn {
		o.raw("<th>Maintenance</th>")
	}
	o.raw("</tr>\n")
	for i := range d.Rows {
		writeInstance(o, p, &d.Rows[i])
	}
	o.raw("</table></section>\n")
	d.groupsAndTimeline(o)
}

// writeInstance writes one row of the instances table.
func writeInstance(o *out, p *page, in *status.Instance) {
	o.raw("<tr><td>").h(in.Name).raw("</td><td>").num(int64(in.VRID)).raw("</td><td>").h(in.Interface).
		raw("</td>\n<td data-id=\"i-").h(in.Name).raw(`" data-f="state" class="st">`).h(in.State).
		raw("</td><td>").num(int64(in.Priority)).raw(`</td><td data-id="i-`).h(in.Name).raw(`" data-f="eprio">`).
		num(int64(in.EffectivePriority)).raw("</td>\n<td>")
	for _, tr := range in.Trackers {
		o.raw("<div>").h(tr.Kind).raw(" ").h(tr.Name).raw(": ").num(int64(tr.Contribution))
		if tr.Fault {
			o.raw(" FAULT")
		}
		o.raw("</div>")
	}
	o.raw("</td>\n<td data-id=\"i-").h(in.Name).raw(`" data-f="master">`).h(in.MasterAddr).
		raw("</td><td>").h(strings.Join(in.VIPs, " ")).raw("</td><td>").h(in.LastReason).raw("</td>\n")
	if p.LoggedIn {
		o.raw(`<td><form method="post" action="/ui/maintenance" class="inline"><input type="hidden" name="csrf" value="`).h(p.CSRF).
			raw("\"><input type=\"hidden\" name=\"back\" value=\"/ui/\">\n<input type=\"hidden\" name=\"instance\" value=\"").h(in.Name).
			raw(`"><input type="hidden" name="on" value="`).raw(strconv.FormatBool(!in.Maintenance)).raw("\">\n<button>")
		if in.Maintenance {
			o.raw("lift")
		} else {
			o.raw("enter")
		}
		o.raw("</button></form></td>")
	}
	o.raw("</tr>")
}

func (d overviewData) groupsAndTimeline(o *out) {
	o.raw("<section><h2>Sync groups</h2>")
	writeShown(o, len(d.Groups.Items), d.Groups.Matching, d.Groups.Total)
	o.raw("<table id=\"groups\"><tr><th>Name</th><th>State</th><th>Members</th></tr>\n")
	for _, g := range d.Groups.Items {
		o.raw("<tr><td>").h(g.Name).raw("</td><td>").h(g.State).raw("</td><td>").h(strings.Join(g.Members, " ")).raw("</td></tr>")
	}
	if len(d.Groups.Items) == 0 {
		o.raw(`<tr><td colspan="3">none</td></tr>`)
	}
	o.raw("</table></section>\n<section><h2>Recent transitions</h2><table id=\"timeline\"><tr><th>At</th><th>Instance</th><th>From</th><th>To</th><th>Reason</th></tr>\n")
	for _, t := range d.Timeline {
		o.raw("<tr><td>").h(ts(t.At)).raw("</td><td>").h(t.Instance).raw("</td><td>").h(t.From).
			raw("</td><td>").h(t.To).raw("</td><td>").h(t.Reason).raw("</td></tr>")
	}
	o.raw("</table></section>\n")
}

// reloadsData is the reload history page.
type reloadsData struct {
	D       status.Daemon
	Reloads []status.Reload
}

func (d reloadsData) content(o *out, _ *page) {
	o.raw("<h1>Reload history</h1>\n<p>").unum(d.D.ReloadStats.Total).raw(" reloads since start, ").
		unum(d.D.ReloadStats.Refused).raw(" refused.</p>\n<table><tr><th>At</th><th>Result</th><th>Config hash</th><th>Changes / errors</th></tr>\n")
	for _, r := range d.Reloads {
		o.raw("<tr><td>").h(ts(r.At)).raw(`</td><td class="st">`).h(r.Result).raw("</td><td>").h(short(r.ConfigHash)).raw("</td>\n<td>")
		if r.Error != "" {
			o.raw("<pre>").h(r.Error).raw("</pre>")
		}
		for _, ch := range r.Changes {
			o.raw("<div>")
			writeChange(o, ch)
			o.raw("</div>")
		}
		o.raw("</td></tr>")
	}
	if len(d.Reloads) == 0 {
		o.raw(`<tr><td colspan="4">none</td></tr>`)
	}
	o.raw("</table>\n")
}
