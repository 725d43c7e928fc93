package roff

import (
	"fmt"
	"io"
	"strings"
)

// Page accumulates one man page; errors are those of the writer and are
// returned by Err, so callers write a whole page and check once.
type Page struct {
	w   io.Writer
	err error
	// afterHeading: a paragraph macro right after .SH/.SS is redundant
	// (mandoc warns), so Para leaves it out.
	afterHeading bool
}

// New starts a page: name, section, date (YYYY-MM-DD), source (e.g.
// "govrrpd 1.2.0") and manual title.
func New(w io.Writer, name string, section int, date, source, manual string) *Page {
	p := &Page{w: w}
	p.raw(".TH %s %d %s %s %s", strings.ToUpper(name), section, date, quote(source), quote(manual))
	return p
}

// Err is the first write error.
func (p *Page) Err() error { return p.err }

func (p *Page) raw(format string, args ...any) {
	p.afterHeading = strings.HasPrefix(format, ".SH") || strings.HasPrefix(format, ".SS")
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// Section starts .SH NAME.
func (p *Page) Section(name string) { p.raw(".SH %s", quote(strings.ToUpper(name))) }

// Name writes the NAME section: name \- what it is.
func (p *Page) Name(name, what string) {
	p.Section("name")
	p.raw("%s \\- %s", Escape(name), Escape(what))
}

// Break ends the output line (.br).
func (p *Page) Break() { p.raw(".br") }

// SubSection starts .SS.
func (p *Page) SubSection(name string) { p.raw(".SS %s", quote(name)) }

// Para writes a paragraph of plain text; `code` spans (backquoted) are set
// in bold, as man pages show literal input.
func (p *Page) Para(text string) {
	if !p.afterHeading {
		p.raw(".PP")
	}
	p.Text(text)
}

// Text writes text without starting a paragraph.
func (p *Page) Text(text string) {
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		p.raw("%s", Inline(strings.TrimSpace(line)))
	}
}

// Item is a tagged paragraph (.TP): tag is already-formatted roff (see
// Bold, Italic), body is plain text.
func (p *Page) Item(tag, body string) {
	p.raw(".TP")
	p.raw("%s", protect(tag))
	p.Text(body)
}

// Example writes lines as a literal, unfilled block.
func (p *Page) Example(lines ...string) {
	if !p.afterHeading {
		p.raw(".PP")
	}
	p.raw(".RS 4")
	p.raw(".nf")
	for _, l := range lines {
		p.raw("%s", protect(Escape(l)))
	}
	p.raw(".fi")
	p.raw(".RE")
}

// Escape makes s safe as roff text: backslashes, and hyphens, which in
// govrrpd's pages are minus signs of options and must stay searchable.
// Lines are protected from a leading control character where they are
// written.
func Escape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// protect keeps a line starting with . or ' from being read as a request.
func protect(s string) string {
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		return `\&` + s
	}
	return s
}

// Bold and Italic return s escaped in that font.
func Bold(s string) string { return `\fB` + Escape(s) + `\fR` }

// Italic returns s escaped in italics.
func Italic(s string) string { return `\fI` + Escape(s) + `\fR` }

// Inline escapes text, setting `code` spans in bold.
func Inline(s string) string {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, part := range parts {
		if i%2 == 1 && i < len(parts)-1 {
			b.WriteString(breakable(Bold(part)))
			continue
		}
		if i%2 == 1 {
			b.WriteString("`") // an unmatched backquote stays as it is
		}
		b.WriteString(Escape(part))
	}
	return protect(b.String())
}

// quote makes a macro argument of s.
func quote(s string) string {
	return `"` + strings.ReplaceAll(Escape(s), `"`, `\(dq`) + `"`
}

// breakable lets a long code span such as {vrrp,checker,bfd}_{priority,...}
// break after its commas (\: is a zero-width break point), so no line is
// wider than the page.
func breakable(s string) string {
	if len(s) < 40 {
		return s
	}
	return strings.ReplaceAll(s, ",", `,\:`)
}
