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
	s, err := parseScriptSpec(w[1:])
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

func TestParseScriptErrors(t *testing.T) {
	for _, line := range []string{`notify`, `notify "a 'b"`, `notify ""`, `notify "a \"`, `notify a\`} {
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
		s, err := parseScriptSpec(ws[1:])
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
