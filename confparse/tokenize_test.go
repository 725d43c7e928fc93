package confparse

import (
	"strings"
	"testing"
)

// tokens renders the tokenizer's output for one line: words joined by
// '|', quoted words in <>, braces as themselves, Line tokens separated by
// ' / '.
func tokens(line string) string {
	var z tokenizer
	z.add(SourceLine{Text: line})
	var out []string
	for _, t := range z.toks {
		if t.Type != tokLine {
			out = append(out, t.Value)
			continue
		}
		var ws []string
		for _, w := range z.lineWords(t) {
			if w.Quoted {
				ws = append(ws, "<"+w.Text+">")
			} else {
				ws = append(ws, w.Text)
			}
		}
		out = append(out, strings.Join(ws, "|"))
	}
	return strings.Join(out, " / ")
}

func TestTokenize(t *testing.T) {
	cases := map[string]string{
		"a b\tc":    "a|b|c",
		`a "b c" d`: "a|<b c>|d",
		// probe p1 (keepalived -t): `abcd" efg h "ij` starts with keyword 'abcd'
		`abcd" efg h "ij`:          "abcd|< efg h >|ij",
		`a "b`:                     "a",
		`a "" b`:                   "a|<>|b",
		`x 'a b'`:                  "x|'a|b'",
		`x \"a b\"`:                `x|\|<a b\>`,
		"a{b}c":                    "a / { / b / } / c",
		`a "{" }`:                  "a|<{> / }",
		`router_id a\b`:            `router_id|a\b`,
		`notify "/bin/x 'a'" root`: "notify|</bin/x 'a'>|root",
		`notify "a \"b\""`:         `notify|<a \"b\">`,
	}
	for in, want := range cases {
		if got := tokens(in); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
}
