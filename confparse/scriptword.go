package confparse

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/govrrpd/govrrpd/script"
)

// scriptKeywords are the keywords whose handlers in keepalived do not use
// the ordinary words of their line but read the raw line again with quotes
// (alloc_strvec_quoted, see parseScript): the tokenizer gives
// these lines that reading, so that their words are keepalived's.
var scriptKeywords = map[string]bool{
	"script": true, "misc_path": true,
	"notify": true, "notify_master": true, "notify_backup": true, "notify_fault": true,
	"notify_stop": true, "notify_deleted": true, "notify_master_rx_lower_pri": true,
	"notify_up": true, "notify_down": true, "quorum_up": true, "quorum_down": true,
	"startup_script": true, "shutdown_script": true,
	"notify_fifo_script": true, "vrrp_notify_fifo_script": true, "lvs_notify_fifo_script": true,
}

// errMissingQuote and errTrailingEscape are the two ways a command line
// fails to split.
var (
	errMissingQuote   = errors.New("missing terminating quote")
	errTrailingEscape = errors.New("missing escape character at end")
)

// scanRules say how a script string is read. keepalived 2.3.2 and later
// read the line first with escapes kept as written (alloc_strvec_quoted)
// and decode them only when the command is split into argv; keepalived
// 2.2.7 decoded in both passes, and read \x with any number of hex digits
// where 2.3.2 and later take at most two.
type scanRules struct {
	decode  bool
	longHex bool
}

var (
	keepEscapes = scanRules{}
	decodeNow   = scanRules{decode: true}
	decodeV227  = scanRules{decode: true, longHex: true}
)

// splitQuotedEscaped splits s as keepalived's
// alloc_strvec_quoted_escaped_common
// (see splitQuotedEscapedRaw).
func splitQuotedEscaped(s string, r scanRules) (words []string, quoted []bool, err error) {
	words, quoted, _, err = splitQuotedEscapedRaw(s, r)
	return words, quoted, err
}

// splitQuotedEscapedRaw splits s as keepalived's script reader: white
// space separates words; double and single quotes group and are removed,
// and quoted and unquoted parts run together into one word; a backslash,
// inside quotes or not, escapes the next character. With r.decode the
// escape is decoded: \a \b \E \f \n \r \t \v, \xHH (two hex digits, or as
// many as follow with r.longHex, kept to the low byte), \NNN (one to three
// octal digits), \cX (control-X), and any other character stands for
// itself (\\ \" \' \ ); without it the backslash and the character are
// kept as written. quoted tells, per word, whether any quote was used in
// it; raws are the words as written.
//
// Two quirks of keepalived's scanner are kept on purpose, because they
// decide which lines keepalived accepts (probes in scriptword_test.go):
// keepalived looks for the closing quote only when text follows the last
// quote or escape, so a string ending in an opening quote ('it's') or in
// an escape inside quotes ('a\q) ends the word without error, while one
// ending in plain quoted text ('ab) is "missing terminating"; and words
// are copied with strndup, so a word stops at a decoded NUL byte.
func splitQuotedEscapedRaw(s string, r scanRules) (words []string, quoted []bool, raws []string, err error) {
	i := 0
	for {
		for i < len(s) && isCSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return words, quoted, raws, nil
		}
		start := i
		var w []byte
		var q byte
		used, pending := false, false
		for i < len(s) {
			c := s[i]
			switch {
			case c == '\\':
				if w, i, err = escapeAt(w, s, i+1, r); err != nil {
					return nil, nil, nil, err
				}
				pending = false
				continue
			case q != 0 && c == q:
				q, pending = 0, false
			case q == 0 && (c == '"' || c == '\''):
				q, used, pending = c, true, false
			case q == 0 && isCSpace(c):
				goto done
			default:
				w, pending = append(w, c), true
			}
			i++
		}
		if q != 0 && pending {
			return nil, nil, nil, fmt.Errorf("string '%s': %w %c", s, errMissingQuote, q)
		}
	done:
		if z := bytes.IndexByte(w, 0); z >= 0 {
			w = w[:z]
		}
		words = append(words, string(w))
		quoted = append(quoted, used)
		raws = append(raws, s[start:i])
	}
}

// escapeAt appends to w the escape whose character is at s[i], decoded or
// as written, and returns the index after it.
func escapeAt(w []byte, s string, i int, r scanRules) ([]byte, int, error) {
	if !r.decode {
		if i >= len(s) {
			return w, i, fmt.Errorf("'%s': %w", s, errTrailingEscape)
		}
		return append(w, '\\', s[i]), i + 1, nil
	}
	b, next, err := unescapeAt(s, i, r.longHex)
	return append(w, b), next, err
}

// unescapeAt decodes the escape whose character is at s[i] and returns the
// byte and the index after it.
func unescapeAt(s string, i int, longHex bool) (byte, int, error) {
	if i >= len(s) {
		return 0, i, fmt.Errorf("'%s': %w", s, errTrailingEscape)
	}
	c := s[i]
	switch {
	case c == 'x' && i+1 < len(s) && digitVal(s[i+1]) < 16:
		var v byte
		for n := 0; i+1 < len(s) && digitVal(s[i+1]) < 16 && (longHex || n < 2); n++ {
			i++
			v = v<<4 | byte(digitVal(s[i]))
		}
		i++
		return v, i, nil
	case c == 'c' && i+1 < len(s):
		return s[i+1] & 0x1f, i + 2, nil
	case c >= '0' && c <= '7':
		v := c - '0'
		i++
		for k := 0; k < 2 && i < len(s) && s[i] >= '0' && s[i] <= '7'; k++ {
			v = v<<3 + s[i] - '0'
			i++
		}
		return v, i, nil
	}
	if r, ok := map[byte]byte{'a': '\a', 'b': '\b', 'E': 0x1b, 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}[c]; ok {
		return r, i + 1, nil
	}
	return c, i + 1, nil
}

// scriptLineWords is the reading a script keyword's line gets (see
// scriptKeywords): its words are keepalived's, and each keeps the text it
// was written with, so that a printer writes back what the user wrote.
// A word without quotes is its text as written; a word that is one
// double-quoted string is the text between the quotes as written
// (Quoted); any other quoted word (`'a b'`, `a"b"`) is its first-pass
// value (quotes removed, escapes as written) when that reads back the same
// between double quotes in both keepalived readings (Quoted), else its text
// as written. scriptWordValue undoes this. On a line that does not split,
// keepalived logs "Unable to parse notify script" and ignores the command,
// so only the keyword is kept and the semantic pass reports the missing
// command.
func scriptLineWords(line string) []Word {
	ws, qs, raws, err := splitQuotedEscapedRaw(line, keepEscapes)
	if err != nil || len(ws) == 0 {
		w := alloc(line)
		if len(w) == 0 {
			return nil
		}
		return []Word{{Text: w[0]}}
	}
	out := make([]Word, len(ws))
	for i, raw := range raws {
		switch {
		case !qs[i]:
			out[i] = Word{Text: raw}
		case len(raw) >= 2 && raw[0] == '"' && closingQuote(raw) == len(raw)-1:
			out[i] = Word{Text: raw[1 : len(raw)-1], Quoted: true}
		case sameReading(`"`+ws[i]+`"`, raw):
			out[i] = Word{Text: ws[i], Quoted: true}
		default:
			out[i] = Word{Text: raw}
		}
	}
	return out
}

// sameReading reports whether two spellings of one word give the same
// value in both keepalived readings.
func sameReading(a, b string) bool {
	for _, r := range []scanRules{keepEscapes, decodeV227} {
		wa, _, errA := splitQuotedEscaped(a, r)
		wb, _, errB := splitQuotedEscaped(b, r)
		if (errA == nil) != (errB == nil) || !slices.Equal(wa, wb) {
			return false
		}
	}
	return true
}

// closingQuote is the index of the '"' that closes the one opening s[0],
// with backslash escapes, or -1.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// scriptWordValue is keepalived's first reading of one word of a script
// line under r: quotes removed, escapes kept or decoded.
func scriptWordValue(w Word, r scanRules) (string, error) {
	t := w.Text
	if w.Quoted {
		t = `"` + t + `"`
	}
	ws, _, err := splitQuotedEscaped(t, r)
	if err != nil {
		return "", err
	}
	return strings.Join(ws, " "), nil
}

// parseScript turns the arguments of a script keyword into a script.Spec
// as keepalived 2.3.2 and later do (commit af7aa8bf, keepalived.conf(5)).
// keepalived reads the keyword's line with quotes removed and escapes kept
// into [keyword, command, user, group] (the tokenizer gives these words,
// see scriptLineWords), then splits the command with quotes and escapes
// decoded to make argv; so escapes are decoded once (`"echo \\"` runs
// echo with one backslash, `'a\'b'` passes a'b) and `"sh -c \"a b\""`
// gives [sh -c "a b"]. Raw is the command as written between its quotes.
// The user and group are single words kept as written (`user:group` is a
// user name, as in keepalived); further words are ignored.
func parseScript(words []Word) (script.Spec, error) {
	if len(words) == 0 {
		return script.Spec{}, errors.New("no command given")
	}
	argv, err := scriptArgv(words[0], decodeNow)
	if err != nil {
		return script.Spec{}, err
	}
	s := script.Spec{Raw: words[0].Text, Argv: argv}
	if len(words) > 1 {
		if s.User, err = scriptWordValue(words[1], keepEscapes); err != nil {
			return script.Spec{}, fmt.Errorf("script user '%s': %w", words[1].Text, err)
		}
	}
	if len(words) > 2 {
		if s.Group, err = scriptWordValue(words[2], keepEscapes); err != nil {
			return script.Spec{}, fmt.Errorf("script group '%s': %w", words[2].Text, err)
		}
	}
	return s, nil
}

// scriptArgv reads a command word in two passes, the second with rules r;
// the first keeps escapes, or decodes them as 2.2.7 did when r is
// decodeV227.
func scriptArgv(w Word, r scanRules) ([]string, error) {
	first := keepEscapes
	if r.longHex {
		first = r
	}
	cmd, err := scriptWordValue(w, first)
	if err != nil {
		return nil, fmt.Errorf("unable to parse script '%s': %w", w.Text, err)
	}
	argv, _, err := splitQuotedEscaped(cmd, r)
	if err != nil {
		return nil, fmt.Errorf("unable to parse script '%s': %w", w.Text, err)
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("unable to parse script '%s': empty command", w.Text)
	}
	return argv, nil
}

// legacyScript tells what keepalived before 2.3.2 would run for a command
// that reads differently there, or "": the arguments that differ, or the
// whole argv when the words do not line up. argv is nil for a command
// that keepalived 2.3.2 and later refuse.
func legacyScript(words []Word, argv []string) string {
	if len(words) == 0 || !strings.ContainsRune(words[0].Text, '\\') {
		return ""
	}
	const pre = "keepalived before 2.3.2 decodes escapes twice and"
	old, err := scriptArgv(words[0], decodeV227)
	switch {
	case err != nil && argv == nil:
		return ""
	case err != nil:
		return fmt.Sprintf("%s would refuse this command (%v)", pre, err)
	case argv == nil:
		return fmt.Sprintf("%s would run %q", pre, old)
	case len(old) != len(argv):
		return fmt.Sprintf("%s would run %q instead of %q", pre, old, argv)
	}
	var diffs []string
	for i := range argv {
		if old[i] != argv[i] {
			diffs = append(diffs, fmt.Sprintf("argument %d %q instead of %q", i, old[i], argv[i]))
		}
	}
	if len(diffs) == 0 {
		return ""
	}
	return pre + " would pass " + strings.Join(diffs, ", ")
}

// scriptKeyword reports whether a line's first word makes it a script line;
// it avoids the map for the common case of a word that cannot be one.
func scriptKeyword(w string) bool {
	if w == "" || strings.IndexByte("nsmqlv", w[0]) < 0 {
		return false
	}
	return scriptKeywords[w]
}
