package manconf

import (
	"io"
	"strings"

	"github.com/govrrpd/govrrpd/internal/roff"
)

// classes explains the statuses the table uses; a status not listed here
// is still printed on each keyword, just not explained up front.
var classes = []struct{ status, meaning string }{
	{"modelled", "read and enforced as keepalived does, with keepalived's defaults, ranges and corrections, and written back by `govrrpd -d`."},
	{"not yet", "accepted by keepalived 2.2.7 but not implemented by govrrpd: a warning naming FILE:LINE at start and with `-t` (exit status 5); never silently ignored."},
	{"no effect", "tuning of keepalived's child processes or DBus, which mean nothing for one Go process: reported at info level, `-t` stays 0."},
	{"rejected", "a keyword of another keepalived version: its own error, and its block is skipped."},
}

// Write renders govrrpd.conf(5).
func Write(w io.Writer, t *Table, date, source string) error {
	p := roff.New(w, "govrrpd.conf", 5, date, source, "File Formats")
	p.Name("govrrpd.conf", "keepalived.conf as govrrpd reads it")
	p.Section("description")
	p.Para("govrrpd reads keepalived's configuration file, keepalived.conf(5), as it is: the same file passes `keepalived -t` and `govrrpd -t`. " +
		"govrrpd adds no keyword to it; its own settings are command-line options (govrrpd(8)), which /etc/default/govrrpd can carry.")
	p.Para("This page lists what govrrpd does with each keyword. It is generated from the same table the parser is tested against. Each keyword has one status:")
	for _, c := range classes {
		p.Item(roff.Bold(c.status), c.meaning)
	}
	p.Para("Keywords keepalived 2.2.7 does not know are `unknown keyword` warnings naming FILE:LINE; an unknown block is skipped whole.")
	p.Section("keywords")
	for _, s := range t.Sections {
		p.SubSection(plain(s.Title))
		for _, prose := range s.Prose {
			p.Para(plain(prose))
		}
		for _, r := range s.Rows {
			body := r.Status
			if r.Note != "" {
				body += ": " + plain(r.Note)
			}
			p.Item(tag(r.Cell), body)
		}
	}
	writeBGP(p)
	p.Section("see also")
	p.Text("govrrpd(8), keepalived.conf(5), keepalived(8)")
	return p.Err()
}

// tag sets a keyword cell with its keywords in bold.
func tag(cell string) string { return roff.Inline(plain(cell)) }

// plain drops markdown emphasis outside `code` spans (keywords such as
// vrrp_garp_* keep their asterisk); backquotes stay for roff.Inline.
func plain(s string) string {
	parts := strings.Split(s, "`")
	for i := 0; i < len(parts); i += 2 {
		parts[i] = strings.ReplaceAll(parts[i], "*", "")
	}
	return strings.Join(parts, "`")
}
