package lvscf

import (
	"bytes"
	"math"
	"net/netip"
	"strings"
)

// token is one word of a line. quote is the quote character the word was
// written in (0 when bare): for a few keys Piranha puts it back.
type token struct {
	text  string
	quote byte
}

// splitLines cuts the file at LF. CR handling is the caller's business
// (Piranha's own splitter stops at the first CR; see Parse).
func splitLines(data []byte) []string {
	s := string(data)
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return []string{""}
	}
	return strings.Split(s, "\n")
}

// normaliseCR turns CRLF and lone CR into LF and says whether it did.
func normaliseCR(data []byte) ([]byte, bool) {
	if bytes.IndexByte(data, '\r') < 0 {
		return data, false
	}
	out := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(out, []byte("\r"), []byte("\n")), true
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// tokenize splits a line the way lvsconfig.c does: blanks separate words; a
// word starting with a quote runs to the next same quote, with no escapes.
// A comment line yields no tokens.
func tokenize(line string) ([]token, bool) {
	var toks []token
	i := 0
	for {
		for i < len(line) && isBlank(line[i]) {
			i++
		}
		if i >= len(line) {
			return toks, true
		}
		if len(toks) == 0 && line[i] == '#' {
			return nil, true
		}
		if q := line[i]; q == '"' || q == '\'' {
			end := strings.IndexByte(line[i+1:], q)
			if end < 0 {
				return toks, false
			}
			toks = append(toks, token{text: line[i+1 : i+1+end], quote: q})
			i += end + 2
			continue
		}
		j := i
		for j < len(line) && !isBlank(line[j]) {
			j++
		}
		toks = append(toks, token{text: line[i:j]})
		i = j
	}
}

// strtol parses s as C's strtol(s, &end, 0) with the whole string consumed:
// optional blanks and sign, 0x for hex, a leading 0 for octal. Overflow
// saturates as strtol does, then narrows to a 32-bit int as the assignment
// to a C int did.
func strtol(s string) (int, bool) {
	i := 0
	for i < len(s) && (isBlank(s[i]) || s[i] == '\n' || s[i] == '\v' || s[i] == '\f' || s[i] == '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	v, n, ok := parseUint(s[i:])
	if !ok || i+n != len(s) {
		return 0, false
	}
	if v > math.MaxInt64 {
		v = math.MaxInt64
	}
	x := int64(v)
	if neg {
		x = -x
	}
	return int(int32(x)), true
}

// parseUint reads digits with C's base-0 prefix rules and returns the value
// (saturated), the bytes consumed and whether any digit was read.
func parseUint(s string) (uint64, int, bool) {
	base, i := uint64(10), 0
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digitVal(s[2]) < 16:
		base, i = 16, 2
	case len(s) > 0 && s[0] == '0':
		base = 8
	}
	var v uint64
	start := i
	for ; i < len(s); i++ {
		d := uint64(digitVal(s[i]))
		if d >= base {
			break
		}
		if v > (math.MaxUint64-d)/base {
			v = math.MaxUint64
		} else {
			v = v*base + d
		}
	}
	return v, i, i > start
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
}

// inetAton is glibc's inet_aton: one to four parts, each in C base-0
// notation; the last part fills the remaining bytes ("10.1" = 10.0.0.1).
func inetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 || s == "" {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		v, n, ok := parseUint(p)
		if !ok || n != len(p) || v > math.MaxUint32 {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	var addr uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		addr |= v << (24 - 8*uint(i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(32-8*uint(len(vals)-1)) {
		return netip.Addr{}, false
	}
	addr |= last
	return netip.AddrFrom4([4]byte{byte(addr >> 24), byte(addr >> 16), byte(addr >> 8), byte(addr)}), true
}
