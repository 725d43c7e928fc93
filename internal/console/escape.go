package console

import (
	"bytes"
	"strconv"
	"strings"
)

// out is a page being written. Its methods escape as html/template does
// for a plain string in the one context each is used in, so the pages
// keep html/template's output without its reflection (which made the
// linker keep every exported method of the binary: docs/scale.md,
// "Session 8"). pages_test.go renders every page both ways and compares.
type out struct{ bytes.Buffer }

// raw writes markup of the page's own.
func (o *out) raw(s string) *out {
	o.WriteString(s)
	return o
}

// h writes s as element text, RCDATA (title, textarea) or a quoted
// attribute value: html/template's htmlEscaper, rcdataEscaper and
// attrEscaper, which share one table. The bytes escaped are ASCII, so a
// byte scan matches its rune scan; invalid UTF-8 passes as it does there.
func (o *out) h(s string) *out {
	last := 0
	for i := 0; i < len(s); i++ {
		var r string
		switch s[i] {
		case 0:
			r = "\uFFFD"
		case '"':
			r = "&#34;"
		case '&':
			r = "&amp;"
		case '\'':
			r = "&#39;"
		case '+':
			r = "&#43;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		default:
			continue
		}
		o.WriteString(s[last:i])
		o.WriteString(r)
		last = i + 1
	}
	o.WriteString(s[last:])
	return o
}

// num writes a number as the templates printed it (fmt.Sprint).
func (o *out) num(n int64) *out { return o.raw(strconv.FormatInt(n, 10)) }

// unum writes an unsigned counter.
func (o *out) unum(n uint64) *out { return o.raw(strconv.FormatUint(n, 10)) }

// href writes s as a whole quoted href value: html/template's urlFilter
// (a scheme other than http, https or mailto becomes #ZgotmplZ), then
// urlNormalizer, then attrEscaper.
func (o *out) href(s string) *out {
	if !safeURL(s) {
		s = "#ZgotmplZ"
	}
	return o.h(processURL(s, true))
}

// query writes s into the query of a quoted href value: urlEscaper, then
// attrEscaper.
func (o *out) query(s string) *out { return o.h(processURL(s, false)) }

// safeURL is html/template's isSafeURL: relative, or http, https or mailto.
func safeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// processURL is html/template's processURLOnto: percent-encode every byte
// but the unreserved ones; when normalising, keep the reserved ones and
// valid escapes too.
func processURL(s string, norm bool) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("!#$&*+,/:;=?@[]", c) >= 0:
			if norm {
				continue
			}
		case c == '-' || c == '.' || c == '_' || c == '~':
			continue
		case c == '%':
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte("0123456789abcdef"[c>>4])
		b.WriteByte("0123456789abcdef"[c&15])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
