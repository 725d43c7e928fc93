package confparse

import (
	"math"
	"os"
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

// TestAllocWords is alloc_strvec as the preprocessor splits a line for its
// own look: quotes group words, a quote ends a bare word, and an
// unterminated quote drops the rest of the line.
func TestAllocWords(t *testing.T) {
	rows := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" \t\v", nil},
		{"include_check match", []string{"include_check", "match"}},
		{"a\t\"b c\"  d", []string{"a", "b c", "d"}},
		{`a"b c"d`, []string{"a", "b c", "d"}},
		{`x ""`, []string{"x", ""}},
		{`x "open`, []string{"x"}},
	}
	for _, r := range rows {
		if got := alloc(r.in); strings.Join(got, "|") != strings.Join(r.want, "|") || len(got) != len(r.want) {
			t.Errorf("alloc(%q) = %q, want %q", r.in, got, r.want)
		}
	}
}

// TestRandomSeedLine: a random_seed line seeds ${_RANDOM} from the next
// line on, so two files with the same seed expand alike; a seed that is no
// number is not applied.
func TestRandomSeedLine(t *testing.T) {
	expand := func(seed string) string {
		got, ds := preLines(t, map[string]string{"main.conf": seed + "\n${_RANDOM 0 999999}\n${_RANDOM 0 999999}\n"}, Options{})
		if len(ds) != 0 || len(got) < 2 {
			t.Fatalf("%q: lines %q, diags %v", seed, got, ds)
		}
		return strings.Join(got[len(got)-2:], ",")
	}
	a, b := expand("random_seed 0x2a"), expand("random_seed 42")
	if a != b {
		t.Errorf("same seed, different values: %s vs %s", a, b)
	}
	if c := expand("random_seed 43"); c == a {
		t.Errorf("seeds 42 and 43 both give %s", a)
	}
	if d := expand("random_seed 42x"); d != expand("random_seed_unused 1") {
		t.Errorf("a malformed seed was applied: %s", d)
	}
}

// errAfter is a reader that fails after its text.
type errAfter struct{ text string }

func (e *errAfter) Read(b []byte) (int, error) {
	if e.text == "" {
		return 0, os.ErrDeadlineExceeded
	}
	n := copy(b, e.text)
	e.text = e.text[n:]
	return n, nil
}

// TestReadFileError: a read error mid-file is an error at the last line
// read, and the lines before it still count.
func TestReadFileError(t *testing.T) {
	var lines []string
	p := newPreproc(Options{}, func(l SourceLine) { lines = append(lines, strings.Clone(l.Text)) }, 1)
	p.dirs = []string{t.TempDir()}
	p.readFile("k.conf", &errAfter{"a\nb\n"})
	if strings.Join(lines, "|") != "a|b" {
		t.Errorf("lines %q", lines)
	}
	if len(p.diags) != 1 || p.diags[0].Severity != Fatal || p.diags[0].Pos != (Pos{"k.conf", 2}) ||
		!strings.Contains(p.diags[0].Msg, "reading configuration: i/o timeout") {
		t.Errorf("diags %v", p.diags)
	}
}
