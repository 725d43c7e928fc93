package confparse

import (
	"strings"
	"testing"
)

// The hand-written trims must agree with the strings package's on any
// input, including other white space, which keepalived does not trim here.
func FuzzTrimBlank(f *testing.F) {
	for _, s := range []string{"", " ", "\t", " a ", "\t a\t", "a", " \f a \v ", "\r a \n", "#x", `a\"b`, "x!y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimLeftBlank(s), strings.TrimLeft(s, " \t"); got != want {
			t.Errorf("trimLeftBlank(%q) = %q, want %q", s, got, want)
		}
		if got, want := trimRightBlank(s), strings.TrimRight(s, " \t"); got != want {
			t.Errorf("trimRightBlank(%q) = %q, want %q", s, got, want)
		}
		if got, want := trimBlank(s), strings.Trim(s, " \t"); got != want {
			t.Errorf("trimBlank(%q) = %q, want %q", s, got, want)
		}
		if got, want := hasCommentOrEscape(s), strings.ContainsAny(s, "!#\"\\"); got != want {
			t.Errorf("hasCommentOrEscape(%q) = %v, want %v", s, got, want)
		}
	})
}

// isCSpace is C's isspace in the "C" locale, as keepalived's tokenizer
// uses it: exactly the bytes of wsChars.
func TestIsCSpace(t *testing.T) {
	for c := 0; c < 256; c++ {
		if got, want := isCSpace(byte(c)), strings.IndexByte(wsChars, byte(c)) >= 0; got != want {
			t.Errorf("isCSpace(%#x) = %v, want %v", c, got, want)
		}
	}
}
