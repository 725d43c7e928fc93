package confparse

import (
	"slices"
	"strings"
	"testing"
)

// parseScript's words after the command: the user and group are single
// words kept as written (escapes kept, quotes removed), a bad one names
// itself, and anything further is ignored, as keepalived reads a script
// line into [keyword, command, user, group].
func TestParseScriptSpecWords(t *testing.T) {
	w := func(text string) Word { return Word{Text: text} }
	q := func(text string) Word { return Word{Text: text, Quoted: true} }
	cases := []struct {
		name         string
		words        []Word
		argv         []string
		raw          string
		user, group  string
		errSubstring string
	}{
		{"no words", nil, nil, "", "", "", "no command given"},
		{"command only", []Word{w("/bin/true")}, []string{"/bin/true"}, "/bin/true", "", "", ""},
		{"quoted command split into argv", []Word{q("/bin/echo a b")}, []string{"/bin/echo", "a", "b"}, "/bin/echo a b", "", "", ""},
		{"user", []Word{w("/bin/true"), w("nobody")}, []string{"/bin/true"}, "/bin/true", "nobody", "", ""},
		{"user and group", []Word{w("/bin/true"), w("nobody"), w("nogroup")}, []string{"/bin/true"}, "/bin/true", "nobody", "nogroup", ""},
		{"user:group is one user name", []Word{w("/bin/true"), w("nobody:nogroup")}, []string{"/bin/true"}, "/bin/true", "nobody:nogroup", "", ""},
		{"quoted user loses its quotes", []Word{w("/bin/true"), q("no body")}, []string{"/bin/true"}, "/bin/true", "no body", "", ""},
		{"user keeps its escapes", []Word{w("/bin/true"), w(`a\tb`)}, []string{"/bin/true"}, "/bin/true", `a\tb`, "", ""},
		{"a fourth word is ignored", []Word{w("/bin/true"), w("u"), w("g"), w("extra")}, []string{"/bin/true"}, "/bin/true", "u", "g", ""},
		{"user ending in an escape", []Word{w("/bin/true"), w(`u\`)}, nil, "", "", "", `script user 'u\': `},
		{"group ending in an escape", []Word{w("/bin/true"), w("u"), w(`g\`)}, nil, "", "", "", `script group 'g\': `},
		{"empty quoted command", []Word{q("")}, nil, "", "", "", "empty command"},
		{"blank quoted command", []Word{q("   ")}, nil, "", "", "", "empty command"},
		{"command ending in an escape", []Word{w(`/bin/echo\`)}, nil, "", "", "", "unable to parse script"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := parseScript(c.words)
			if c.errSubstring != "" {
				if err == nil || !strings.Contains(err.Error(), c.errSubstring) {
					t.Fatalf("error %v, want one containing %q", err, c.errSubstring)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Argv, c.argv) || s.Raw != c.raw || s.User != c.user || s.Group != c.group {
				t.Errorf("got argv %q raw %q user %q group %q; want %q %q %q %q",
					s.Argv, s.Raw, s.User, s.Group, c.argv, c.raw, c.user, c.group)
			}
		})
	}
}
