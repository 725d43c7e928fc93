package confparse

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// Direct tests of the preprocessor's small scanners: the include pattern
// helpers, the C number readers keepalived's preprocessor uses, and
// global_defs include_check.

// TestIncludePatternScanners: a backslash quotes the next byte, so an
// escaped '*', '[' or '{' is literal and neither globbed nor brace-split.
func TestIncludePatternScanners(t *testing.T) {
	rows := []struct {
		in              string
		magic, brace    bool
		unescaped, glob string
	}{
		{"a.conf", false, false, "a.conf", "a.conf"},
		{"*.conf", true, false, "*.conf", `\*.conf`},
		{`\*.conf`, false, false, "*.conf", `\\\*.conf`},
		{"n?.conf", true, false, "n?.conf", `n\?.conf`},
		{"[ab].conf", true, false, "[ab].conf", `\[ab\].conf`},
		{"{a,b}.conf", false, true, "{a,b}.conf", `\{a,b\}.conf`},
		{`\{a,b}.conf`, false, false, "{a,b}.conf", `\\\{a,b\}.conf`},
		{`dir\\*`, true, false, `dir\*`, `dir\\\\\*`},
		{`end\`, false, false, `end\`, `end\\`},
	}
	for _, r := range rows {
		if got := hasMagic(r.in); got != r.magic {
			t.Errorf("hasMagic(%q) = %v", r.in, got)
		}
		if got := hasBrace(r.in); got != r.brace {
			t.Errorf("hasBrace(%q) = %v", r.in, got)
		}
		if got := unescape(r.in); got != r.unescaped {
			t.Errorf("unescape(%q) = %q, want %q", r.in, got, r.unescaped)
		}
		if got := globEscape(r.in); got != r.glob {
			t.Errorf("globEscape(%q) = %q, want %q", r.in, got, r.glob)
		}
	}
}

// TestIncludeEscapedName: an include whose name escapes a glob character
// reads the file of that literal name.
func TestIncludeEscapedName(t *testing.T) {
	got, ds := preLines(t, map[string]string{
		"main.conf":  "include star\\*.conf\n",
		"star*.conf": "literal\n",
		"starX.conf": "globbed\n",
		"other.conf": "never\n",
	}, Options{})
	if len(ds) != 0 || strings.Join(got, "|") != "star*.conf:1: literal" {
		t.Errorf("lines %q, diags %v", got, ds)
	}
}

func TestCutAny(t *testing.T) {
	rows := []struct{ s, chars, a, b string }{
		{"abc def", " \t", "abc", " def"},
		{"abc\tdef", " \t", "abc", "\tdef"},
		{"abcdef", " \t", "abcdef", ""},
		{"", ",", "", ""},
		{",x", ",", "", ",x"},
	}
	for _, r := range rows {
		if a, b := cutAny(r.s, r.chars); a != r.a || b != r.b {
			t.Errorf("cutAny(%q, %q) = %q, %q", r.s, r.chars, a, b)
		}
	}
}

// TestParseCLongPrefix mirrors strtol(s, &end, 0): base from the prefix,
// saturation on overflow, and the count of bytes read.
func TestParseCLongPrefix(t *testing.T) {
	rows := []struct {
		s    string
		v    int64
		n    int
		full bool
	}{
		{"42", 42, 2, true},
		{"  -17x", -17, 5, false},
		{"+8", 8, 2, true},
		{"0x1F", 31, 4, true},
		{"0XfF", 255, 4, true},
		{"0x", 0, 1, false},  // "0" read, "x" left: strtol's own rule
		{"0xg", 0, 1, false}, // likewise
		{"017", 15, 3, true},
		{"08", 0, 1, false}, // 8 is no octal digit
		{"", 0, 0, false},
		{"-", 0, 0, false},
		{"abc", 0, 0, false},
		{"9223372036854775807", math.MaxInt64, 19, true},
		{"9223372036854775808", math.MaxInt64, 19, true},
		{"-9223372036854775808", math.MinInt64, 20, true},
		{"-9223372036854775809", math.MinInt64, 20, true},
		{"99999999999999999999999", math.MaxInt64, 23, true},
	}
	for _, r := range rows {
		v, n := parseCLongPrefix(r.s)
		if v != r.v || n != r.n {
			t.Errorf("parseCLongPrefix(%q) = %d, %d; want %d, %d", r.s, v, n, r.v, r.n)
		}
		if _, ok := parseCLong(r.s); ok != r.full {
			t.Errorf("parseCLong(%q) ok = %v", r.s, ok)
		}
	}
}

func TestParseCULongAndDigits(t *testing.T) {
	for s, want := range map[string]uint64{"": 0, "12": 12, "12ab": 12, "-3": 0,
		"18446744073709551616": 0, "18446744073709551617": 1} {
		if got := parseCULong(s); got != want {
			t.Errorf("parseCULong(%q) = %d, want %d", s, got, want)
		}
	}
	for c, want := range map[byte]int{'0': 0, '9': 9, 'a': 10, 'z': 35, 'A': 10, 'Z': 35, '-': 99, ' ': 99} {
		if got := digitVal(c); got != want {
			t.Errorf("digitVal(%q) = %d, want %d", c, got, want)
		}
	}
}

// TestRandomParams: ${_RANDOM MIN MAX} stays in [MIN, MAX], is cut to
// MAX's digit count, and notes extra words at Info.
func TestRandomParams(t *testing.T) {
	rows := []struct {
		params string
		lo, hi uint64
		width  int
		info   bool
	}{
		{"", 0, 32767, 5, false},
		{"5", 5, 32767, 5, false},
		{"10 19", 10, 19, 2, false},
		{"3 3 extra", 3, 3, 1, true},
	}
	for _, r := range rows {
		p := newPreproc(Options{}, func(SourceLine) {}, 1)
		for i := 0; i < 50; i++ {
			s := p.random(r.params)
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil || v < r.lo || v > r.hi || len(s) > r.width {
				t.Fatalf("random(%q) = %q", r.params, s)
			}
		}
		if gotInfo := len(p.diags) > 0 && p.diags[0].Severity == Info &&
			strings.Contains(p.diags[0].Msg, "Too many parameters"); gotInfo != r.info {
			t.Errorf("random(%q): diags %v", r.params, p.diags)
		}
	}
	// A MAX whose successor overflows to 0 gives MIN rather than a division by zero.
	p := newPreproc(Options{}, func(SourceLine) {}, 1)
	if got := p.random("0 18446744073709551615"); got != "0" {
		t.Errorf("full-range random = %q, want the minimum", got)
	}
}

// TestSetIncludeCheck follows keepalived's include_check: no word turns
// all on; a first plain word is read plus that check; +/- adjust; a second
// plain word and an unknown word are warned about and ignored.
func TestSetIncludeCheck(t *testing.T) {
	rows := []struct {
		words []string
		want  includeFlags
		warn  []string
	}{
		{nil, incAll, nil},
		{[]string{"match"}, incRead | incMatch, nil},
		{[]string{"read"}, incRead, nil},
		{[]string{"brace_match", "+wildcard_match"}, incRead | incBrace | incWildcard, nil},
		{[]string{"+match"}, incRead | incMatch, nil},
		{[]string{"-read"}, 0, nil},
		{[]string{"wildcard_match", "-read"}, incWildcard, nil},
		{[]string{"match", "brace_match"}, incRead | incMatch, []string{"Duplicate include_check 'brace_match'"}},
		{[]string{"bogus"}, 0, []string{"Unknown include_check type 'bogus'"}},
		{[]string{"match", "+bogus", "-x"}, incRead | incMatch,
			[]string{"Unknown include_check type 'bogus'", "Unknown include_check type 'x'"}},
	}
	for _, r := range rows {
		p := newPreproc(Options{}, func(SourceLine) {}, 1)
		p.includeCheck = incRead
		p.setIncludeCheck(r.words)
		if p.includeCheck != r.want {
			t.Errorf("%q: flags %b, want %b", r.words, p.includeCheck, r.want)
		}
		if len(p.diags) != len(r.warn) {
			t.Errorf("%q: diags %v, want %q", r.words, p.diags, r.warn)
			continue
		}
		for i, w := range r.warn {
			if d := p.diags[i]; d.Severity != Warning || !strings.Contains(d.Msg, w) {
				t.Errorf("%q: diag %d = %v, want %q", r.words, i, d, w)
			}
		}
	}
}
