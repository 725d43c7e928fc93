package lvscf

import (
	"fmt"
	"strings"
)

// nannyString applies nanny's convert_str to a send or expect value: the
// escapes \\ \r \n \t \' \" are decoded, and only when the string is longer
// than one byte. Any other escape made nanny loop forever at start-up; it
// is kept as written and reported, since the converted check at least runs.
func nannyString(s string) (out string, bad []string) {
	if len(s) <= 1 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'r':
			b.WriteByte('\r')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '\'':
			b.WriteByte('\'')
		case '"':
			b.WriteByte('"')
		default:
			bad = append(bad, s[i-1:i+1])
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), bad
}

// scriptWord encodes a byte string as one single-quoted argument of a
// keepalived script line. keepalived reads such lines twice (split keeping
// backslash pairs, then decode escapes inside the quotes), so every byte
// that either pass would interpret is escaped.
func scriptWord(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\'':
			b.WriteString(`\'`)
		case c == '"':
			b.WriteString(`\"`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// commandWord leaves words that need no quoting readable: letters, digits
// and _./:%@=+,- only.
func commandWord(w string) string {
	if w != "" && strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:%@=+,-") == "" {
		return w
	}
	return scriptWord(w)
}

// splitSpaces is strtok(s, " "): runs of spaces separate, TABs do not.
func splitSpaces(s string) []string {
	var out []string
	for _, w := range strings.Split(s, " ") {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// sanitizeName maps a block name onto keepalived's identifier characters.
func sanitizeName(name string) string {
	b := []byte(name)
	for i, c := range b {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '_' || c == '.' || c == '-'
		if !ok {
			b[i] = '_'
		}
	}
	return string(b)
}

// safeConfWord reports whether s can be written bare in keepalived.conf:
// no blanks, quotes, comment or brace characters, no backslash.
func safeConfWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"'#!{}\\", c) >= 0 {
			return false
		}
	}
	return true
}
