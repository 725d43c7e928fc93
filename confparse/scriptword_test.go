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
		// probe p2 (keepalived --dump-conf): quotes, escapes decoded twice
		{`notify_master "/bin/echo 'a b' \"x y\" \x41\101" nobody`, `/bin/echo|a b|x y|AA`, `/bin/echo 'a b' \"x y\" \x41\101`, "nobody", ""},
		{`notify_backup "/bin/echo a\\\\b"`, `/bin/echo|a\b`, `/bin/echo a\\\\b`, "", ""},
		// probe p3: quoted and bare parts run together
		{`notify "/bin/echo  'a   b'"x"y z"`, `/bin/echo|a   bxy|z`, `/bin/echo  'a   b'xy z`, "", ""},
		// probe p3: user:group is one (unknown) user name
		{`notify_master "/bin/echo" nobody:nogroup`, `/bin/echo`, `/bin/echo`, "nobody:nogroup", ""},
		{`script "sh -c \"echo x\""`, `sh|-c|echo x`, `sh -c \"echo x\"`, "", ""},
		{`misc_path '/bin/echo x'`, `/bin/echo|x`, `/bin/echo x`, "", ""},
		{`script "\t\n\cA\E\q"`, "\x01\x1bq", `\t\n\cA\E\q`, "", ""},
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

// TestParseScriptKeepalivedProbe holds the argv keepalived 2.2.7 really
// executed for each line. Probes p4 and p5: each line was the script of a
// vrrp_script tracked by a BACKUP instance, run by `keepalived -P -n -d` in
// a throw-away network namespace; the script (/root/probe13/argv, here
// /bin/argv) wrote each of its arguments to a file, and the --dump-conf
// "Command =" lines agreed. It pins down the two readings: escapes are
// decoded twice ('^HTTP/1\\.[01]' reaches the program as ^HTTP/1.[01];
// four backslashes are needed for one), a quote opened at the very end or
// an escape ending a quoted part is no error ('inactive\'s' gives
// inactives, as keepalived -t accepts), and a decoded NUL ends the word.
func TestParseScriptKeepalivedProbe(t *testing.T) {
	cases := []struct{ line, argv string }{
		{`script "/bin/argv 'inactive\'s'"`, `/bin/argv|inactives`},
		{`notify_backup "/usr/local/bin/went 'inactive\'s'"`, `/usr/local/bin/went|inactives`},
		{`script "/bin/argv '^HTTP/1\\.[01]' '^HTTP/1\\\\.[01]'"`, `/bin/argv|^HTTP/1.[01]|^HTTP/1\.[01]`},
		{`script "/bin/argv a \"`, `/bin/argv|a|`},
		{`script "/bin/argv 'a\\q"`, `/bin/argv|aq`},
		{`script "/bin/argv a\\0b c"`, `/bin/argv|a|c`},
		{`script "/bin/argv a\0b c"`, `/bin/argv|a`},
		{`script "/bin/argv '\'status\'' '\\\'status\\\''"`, `/bin/argv|status|'status'`},
		{`script "/bin/argv x' y 'z \"q r\" \\\"s t\\\""`, `/bin/argv|x y z|q r|"s|t"`},
		// probe p5: arguments of the lvs.cf importer's goldens (send-expect-regex,
		// kitchen-lvs): \' ends the quoted part, so the CR LF after PING split the word
		{`script "/bin/argv '\'PING\r\n\'' '+PONG\\z' 0 '^HTTP/1\\.[01] (200|302)' 1"`, "/bin/argv|PING||+PONGz|0|^HTTP/1.[01] (200|302)|1"},
	}
	for _, c := range cases {
		argv, _, _, _, err := scriptOf(t, c.line)
		if err != nil {
			t.Errorf("%s: %v (keepalived accepts it)", c.line, err)
			continue
		}
		if got := strings.Join(argv, "|"); got != c.argv {
			t.Errorf("%s:\n got argv %q\nwant argv %q", c.line, argv, strings.Split(c.argv, "|"))
		}
	}
}

func TestParseScriptErrors(t *testing.T) {
	// Probe p4: `'ab` is "String '...': missing terminating '" and the
	// vrrp_script is removed; a trailing backslash is "Missing escape char".
	for _, line := range []string{`notify`, `notify "a 'b"`, `notify ""`, `notify a\`,
		`script "/bin/argv 'ab"`, `script "/bin/argv \\"`} {
		if _, _, _, _, err := scriptOf(t, line); err == nil {
			t.Errorf("%s: no error", line)
		}
	}
}

func TestScriptWordRoundTrip(t *testing.T) {
	// What scriptLineWords keeps must read back to keepalived's value.
	for _, line := range []string{`notify "a\"b" u`, `notify 'x y'z`, `notify a"b\\c"`, `notify "a b"`} {
		ws, _, err := splitQuotedEscaped(line)
		if err != nil {
			t.Fatal(err)
		}
		got := scriptLineWords(line)
		if len(got) != len(ws) {
			t.Fatalf("%s: %d words, want %d", line, len(got), len(ws))
		}
		for i := range ws {
			v, err := scriptWordValue(got[i])
			if err != nil || v != ws[i] {
				t.Errorf("%s word %d: %q (%v), want %q", line, i, v, err, ws[i])
			}
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
			if _, err := scriptWordValue(w); err != nil && len(ws) > 1 {
				t.Fatalf("%q: kept word %q does not read back: %v", line, w.Text, err)
			}
		}
	})
}
