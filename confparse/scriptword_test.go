package confparse

import (
	"strings"
	"testing"
)

// scriptOf tokenizes one script keyword line and parses its arguments.
func scriptOf(t testing.TB, line string) ([]string, string, string, string, error) {
	t.Helper()
	var z tokenizer
	z.add(SourceLine{Text: line})
	if len(z.toks) != 1 {
		t.Fatalf("%q: %d tokens", line, len(z.toks))
	}
	w := z.lineWords(z.toks[0])
	s, err := parseScript(w[1:])
	return s.Argv, s.Raw, s.User, s.Group, err
}

func TestParseScript(t *testing.T) {
	cases := []struct {
		line, argv, raw, user, group string
	}{
		{`notify /bin/true`, `/bin/true`, `/bin/true`, "", ""},
		{`notify /bin/true root`, `/bin/true`, `/bin/true`, "root", ""},
		{`notify "/bin/echo a  b" nobody nogroup extra`, `/bin/echo|a|b`, `/bin/echo a  b`, "nobody", "nogroup"},
		{`notify_master "/bin/echo 'a b' 'x y' \x41\101" nobody`, `/bin/echo|a b|x y|AA`, `/bin/echo 'a b' 'x y' \x41\101`, "nobody", ""},
		{`notify_backup "/bin/echo a\\b"`, `/bin/echo|a\b`, `/bin/echo a\\b`, "", ""},
		// quoted and bare parts run together
		{`notify "/bin/echo  'a   b'"x"y z"`, `/bin/echo|a   bxy|z`, `/bin/echo  'a   b'xy z`, "", ""},
		// user:group is one (unknown) user name; the user keeps its escapes
		{`notify_master "/bin/echo" nobody:nogroup`, `/bin/echo`, `/bin/echo`, "nobody:nogroup", ""},
		{`notify_master /bin/echo a\b`, `/bin/echo`, `/bin/echo`, `a\b`, ""},
		{`misc_path '/bin/echo x'`, `/bin/echo|x`, `/bin/echo x`, "", ""},
		// a mixed word whose value holds a bare " is kept as written
		{`script '/bin/echo "x y"'`, `/bin/echo|x y`, `'/bin/echo "x y"'`, "", ""},
		// keepalived.conf(5)'s example
		{`notify_master "/etc/keepalived/notify_event.sh ' spaces\\x20f\x69le ' '\"s p a c e \"' SG1.low master" user group`,
			`/etc/keepalived/notify_event.sh| spaces\x20file |"s p a c e "|SG1.low|master`,
			`/etc/keepalived/notify_event.sh ' spaces\\x20f\x69le ' '\"s p a c e \"' SG1.low master`, "user", "group"},
	}
	for _, c := range cases {
		argv, raw, user, group, err := scriptOf(t, c.line)
		if err != nil {
			t.Errorf("%s: %v", c.line, err)
			continue
		}
		if strings.Join(argv, "|") != c.argv || raw != c.raw || user != c.user || group != c.group {
			t.Errorf("%s:\n got argv %q raw %q user %q group %q\nwant argv %q raw %q user %q group %q",
				c.line, argv, raw, user, group, strings.Split(c.argv, "|"), c.raw, c.user, c.group)
		}
	}
}

// TestParseScriptKeepalivedProbe holds the argv keepalived 2.2.7 (Debian's
// /usr/sbin/keepalived) and 2.4.3 (built from the shared tarball) really
// executed for each line: each line was the script of a vrrp_script
// tracked by a BACKUP instance, run by `keepalived -n -l -P` in a
// throw-away network namespace, and the script (/tmp/h11p/argv, here
// /bin/argv) wrote its arguments to a file. 2.2.7 decodes escapes in both
// passes ('^HTTP/1\\.[01]' reaches the program as ^HTTP/1.[01]); 2.4.3 keeps
// them in the first and decodes once, and takes at most two hex digits.
// A quote opened at the very end or an escape ending a quoted part is no
// error, and a decoded NUL ends the word. "!" marks a line the version
// refuses ("missing terminating '").
func TestParseScriptKeepalivedProbe(t *testing.T) {
	cases := []struct{ line, v227, v243 string }{
		{`script "/bin/argv '^HTTP/1\\.[01]' 'a\'b'"`, `/bin/argv|^HTTP/1.[01]|ab`, `/bin/argv|^HTTP/1\.[01]|a'b`},
		{`script "/bin/argv \x414 a\\\\b"`, "/bin/argv|\x14|a\\b", `/bin/argv|A4|a\\b`},
		{`script "/bin/argv \"x y\" 'q r'"`, `/bin/argv|x y|q r`, `/bin/argv|"x|y"|q r`},
		{`script "/bin/argv ' spaces\\x20f\x69le ' '\"s p a c e \"'"`, "/bin/argv| spaces\x0file |\"s p a c e \"", `/bin/argv| spaces\x20file |"s p a c e "`},
		{`script '/bin/argv "q r" \\t'x`, "/bin/argv|q r|\tx", `/bin/argv|q r|\tx`},
		{`script "/bin/argv 'inactive\'s'"`, `/bin/argv|inactives`, `/bin/argv|inactive's`},
		{`script "/bin/argv a \"`, `/bin/argv|a|`, `/bin/argv|a|"`},
		{`script "/bin/argv 'a\\q"`, `/bin/argv|aq`, `!`},
		{`script "/bin/argv a\\0b c"`, `/bin/argv|a|c`, `/bin/argv|a\0b|c`},
		{`script "/bin/argv '\'status\'' '\\\'status\\\''"`, `/bin/argv|status|'status'`, `/bin/argv|'status'|\'status\'`},
		{`script "/bin/argv x' y 'z \"q r\" \\\"s t\\\""`, `/bin/argv|x y z|q r|"s|t"`, `/bin/argv|x y z|"q|r"|\"s|t\"`},
		// arguments of the lvs.cf importer's goldens (send-expect-regex, kitchen-lvs)
		{`script "/bin/argv '\'PING\r\n\'' '+PONG\\z' 0 '^HTTP/1\\.[01] (200|302)' 1"`,
			"/bin/argv|PING||+PONGz|0|^HTTP/1.[01] (200|302)|1", "/bin/argv|'PING\r\n'|+PONG\\z|0|^HTTP/1\\.[01] (200|302)|1"},
		{`script "/bin/argv \t\n\cA\E\q"`, "/bin/argv|\x01\x1bq", "/bin/argv|\t\n\x01\x1bq"},
		{`script "/bin/argv 'a b' \"x y\" \x41\101"`, `/bin/argv|a b|x y|AA`, `/bin/argv|a b|"x|y"|AA`},
	}
	for _, c := range cases {
		var z tokenizer
		z.add(SourceLine{Text: c.line})
		w := z.lineWords(z.toks[0])[1:]
		for _, v := range []struct {
			name, want string
			rules      scanRules
		}{{"2.2.7", c.v227, decodeV227}, {"2.4.3", c.v243, decodeNow}} {
			argv, err := scriptArgv(w[0], v.rules)
			got := strings.Join(argv, "|")
			if err != nil {
				got = "!"
			}
			if got != v.want {
				t.Errorf("%s as keepalived %s:\n got argv %q (%v)\nwant argv %q", c.line, v.name, argv, err, strings.Split(v.want, "|"))
			}
		}
		spec, err := parseScript(w)
		if got := strings.Join(spec.Argv, "|"); (err != nil) != (c.v243 == "!") || err == nil && got != c.v243 {
			t.Errorf("%s: parseScript gives %q (%v), want keepalived 2.4.3's %q", c.line, spec.Argv, err, c.v243)
		}
		msg := legacyScript(w, spec.Argv)
		if differs := c.v227 != c.v243; err == nil && differs != (msg != "") {
			t.Errorf("%s: legacy warning %q, want one: %v", c.line, msg, differs)
		}
	}
}

func TestParseScriptErrors(t *testing.T) {
	// `'ab` is "String '...': missing terminating '" and the vrrp_script is
	// removed; a trailing backslash is "Missing escape char".
	for _, line := range []string{`notify`, `notify "a 'b"`, `notify ""`, `notify a\`,
		`script "/bin/argv 'ab"`, `script "/bin/argv 'a\\\\q"`} {
		if _, _, _, _, err := scriptOf(t, line); err == nil {
			t.Errorf("%s: no error", line)
		}
	}
}

func TestScriptWordRoundTrip(t *testing.T) {
	// What scriptLineWords keeps must read back to keepalived's value, in
	// both versions' first pass.
	for _, line := range []string{`notify "a\"b" u`, `notify 'x y'z`, `notify a"b\\c"`, `notify "a b"`,
		`notify 'a"b'`, `notify 'a\'b'`, `notify '\c"x'y`} {
		for _, r := range []scanRules{keepEscapes, decodeV227} {
			checkReadBack(t, line, r)
		}
	}
}

func checkReadBack(t *testing.T, line string, r scanRules) {
	t.Helper()
	ws, _, err := splitQuotedEscaped(line, r)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	got := scriptLineWords(line)
	if len(got) != len(ws) {
		t.Fatalf("%s: %d words, want %d", line, len(got), len(ws))
	}
	for i := range ws {
		v, err := scriptWordValue(got[i], r)
		if err != nil || v != ws[i] {
			t.Errorf("%s word %d (%+v): %q (%v), want %q", line, i, r, v, err, ws[i])
		}
	}
}

func FuzzParseScript(f *testing.F) {
	for _, s := range []string{`notify "/bin/echo 'a b' \"x\" \x41" u g`, `script /bin/true`, `notify 'a"b'\\`, `misc_path "\c"`, `notify "\x"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ws := scriptLineWords(line)
		if len(ws) == 0 {
			return
		}
		s, err := parseScript(ws[1:])
		if err == nil && len(s.Argv) == 0 {
			t.Fatalf("%q: no error and no argv", line)
		}
		for _, w := range ws {
			if _, err := scriptWordValue(w, keepEscapes); err != nil && len(ws) > 1 {
				t.Fatalf("%q: kept word %q does not read back: %v", line, w.Text, err)
			}
		}
		if err == nil {
			legacyScript(ws[1:], s.Argv)
		}
	})
}
