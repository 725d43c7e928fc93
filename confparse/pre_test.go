package confparse

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// preLines preprocesses files (name -> content; "main.conf" is read) in a
// temporary directory and returns the emitted lines as "LINE: TEXT" (with
// the base file name when not main.conf) and the diagnostics.
func preLines(t testing.TB, files map[string]string, opts Options) ([]string, Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if opts.ConfigID == "" {
		opts.ConfigID = "node1"
	}
	var out []string
	p := newPreproc(opts, func(l SourceLine) {
		loc := fmt.Sprint(l.Pos.Line)
		if b := filepath.Base(l.Pos.File); b != "main.conf" {
			loc = b + ":" + loc
		}
		out = append(out, loc+": "+l.Text)
	}, 1)
	p.run(filepath.Join(dir, "main.conf"))
	return out, p.diags
}

func TestPreprocessLines(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"comments", "a # c\nb ! c\n  # only\nc \"x # y\" # z\n", []string{"1: a", "2: b", "4: c \"x # y\""}},
		{"escaped comment chars", `a \#b \!c` + "\n" + `d \\#e` + "\n", []string{`1: a #b !c`, `2: d \\`}},
		{"escaped quote does not open", `a \" # c` + "\n", []string{`1: a \"`}},
		// probe p4 (keepalived -t): `foo \` gives keyword 'foo\'
		{"trailing backslash is kept", "foo \\\nbar\n", []string{`1: foo\`, "2: bar"}},
		{"brace split", "a { b\n}c}\n{\n", []string{"1: a", "1: {", "1: b", "2: }", "2: c", "2: }", "3: {"}},
		{"brace in quotes", `a "{x}" { b }` + "\n", []string{`1: a "{x}"`, "1: {", "1: b", "1: }"}},
		{"condition", "@node1 a\n@^node1 b\n@other c\n@^other d\n@node1\n", []string{"1: a", "4: d"}},
		{"definition and use", "$X=10\na $X\nb ${X}c\nd $Xe\n", []string{"2: a 10", "3: b 10c", "4: d $Xe"}},
		{"use terminators", "$X=1\n($X) $X,$X\n", []string{"2: (1) 1,1"}},
		// An unknown ${NAME} stays, and its braces then split the line.
		{"undefined verbatim", "a $NOPE ${NOPE}\n", []string{"1: a $NOPE $", "1: {", "1: NOPE", "1: }"}},
		{"dot is no terminator", "$p=1\nm$p.\n", []string{"2: m$p."}},
		{"blank before = is no definition", "$X=1\n$X = 2\n", []string{"2: 1 = 2"}},
		{"recursive at use time", "$A=${B}x\n$B=1\na $A\n$B=2\nb $A\n", []string{"3: a 1x", "5: b 2x"}},
		// probe p4: the three lines of $D come out at the use line
		{"multiline", "$D=a \\\n  b \\\n  c\nx\n$D\n", []string{"4: x", "5: a", "5: b", "5: c"}},
		{"multiline only at end", "$D=a \\\nb\nx $D y\n", []string{"3: x $D y"}},
		{"multiline with prefix", "$D=a \\\nb\nx $D\n", []string{"3: x a", "3: b"}},
		{"multiline ended by empty line", "$D=a \\\n\nb\n$D\n", []string{"3: b", "4: a"}},
		{"conditional definition", "@node1 $P=240\n@^node1 $P=100\np $P\n", []string{"3: p 240"}},
		{"hash and bang", "a \"${_HASH}${_BANG}\"\nfoo${_HASH}bar\n", []string{`1: a "#!"`, "2: foo"}},
		{"instance", "${_INSTANCE}\n", []string{"1: node1"}},
		{"random range", "${_RANDOM 7 7}\n", []string{"1: 7"}},
		{"residue defines", "v { $Z=7\nid $Z\n}\n", []string{"1: v", "1: {", "2: id 7", "3: }"}},
		// probe p4: ~SEQ(i,2) → 1,2; ~SEQx(i,9,11) → 9,a,b; ~LST(v,a,b)
		{"seq one arg", "~SEQ(i,2) s$i\n", []string{"1: s1", "1: s2"}},
		{"seq zero", "~SEQ(i,0) s$i\n", []string{"1: s1", "1: s0"}},
		{"seq negative", "~SEQ(i,-2) s$i\n", []string{"1: s-1", "1: s-2"}},
		{"seq two args down", "~SEQ(i,3,1) s$i\n", []string{"1: s3", "1: s2", "1: s1"}},
		{"seq step", "~SEQ(i, 0, 5, 12) s$i\n", []string{"1: s0", "1: s5", "1: s10"}},
		{"seq hex", "~SEQx(i,9,11) h$i\n", []string{"1: h9", "1: ha", "1: hb"}},
		{"seq strtol bases", "~SEQ(i,0x10,010) s$i\n", []string{"1: s16", "1: s15", "1: s14", "1: s13", "1: s12", "1: s11", "1: s10", "1: s9", "1: s8"}},
		{"seq param", "$N=2\n~SEQ(i,$N) s$i\n", []string{"2: s1", "2: s2"}},
		{"seq nested", "~SEQ(i,2) ~SEQ(j,2) $i,$j\n", []string{"1: 1,1", "1: 1,2", "1: 2,1", "1: 2,2"}},
		{"lst", "~LST(v,a,b) l$v\n", []string{"1: la", "1: lb"}},
		{"lst sets", "~LST({p,q},{1,2},{3}) m$p,$q\n", []string{"1: m1,2", "1: m3,"}},
		{"lst with seq", "~LST(v,a,b) ~SEQ(i,2) ${v}$i\n", []string{"1: a1", "1: a2", "1: b1", "1: b2"}},
		{"seq var persists", "~SEQ(i,2) x\nlast $i\n", []string{"1: x", "1: x", "2: last 2"}},
		{"tilde line kept", "~FOO x\n", []string{"1: ~FOO x"}},
		{"crlf", "a\r\nb\r\n", []string{"1: a", "2: b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, diags := preLines(t, map[string]string{"main.conf": c.in}, Options{})
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("got:\n%s\nwant:\n%s\ndiags: %v", strings.Join(got, "\n"), strings.Join(c.want, "\n"), diags)
			}
			if diags.HasErrors() {
				t.Fatalf("diags: %v", diags)
			}
		})
	}
}

func TestPreprocessErrors(t *testing.T) {
	cases := []struct {
		name, in, msg string
		sev           Severity
	}{
		{"unterminated quote", "a \"b\n", "Unterminated quote", Warning},
		{"unterminated quote", "a \"b { c\n", "Unterminated quote", Warning},
		{"bad seq", "~SEQ(i) x\n", "Invalid ~SEQ", Warning},
		{"seq wrong step", "~SEQ(i,1,-1,5) x\n", "Invalid ~SEQ values", Warning},
		{"seqx negative", "~SEQx(i,-3) x\n", "~SEQx is only valid for positive numbers", Warning},
		{"seq no paren", "~SEQ(i,1 x\n", "Invalid ~SEQ", Warning},
		{"lst too many", "~LST({a},{1,2}) x\n", "too many values", Warning},
		{"substitution loop", "$A=$A\nx $A\n", "does not settle", Warning},
		{"endless seq", "~SEQ(i,0,1,9223372036854775807) x\n", "expansion produces more than", Warning},
		{"too long", "$A=" + strings.Repeat("x", 600) + "\n$A $A\n", "would exceed maximum line length", Info},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := preLines(t, map[string]string{"main.conf": c.in}, Options{})
			for _, d := range diags {
				if strings.Contains(d.Msg, c.msg) && d.Severity == c.sev {
					return
				}
			}
			t.Fatalf("no %v %q in %v", c.sev, c.msg, diags)
		})
	}
}

func TestPreprocessLongLine(t *testing.T) {
	// keepalived reads 1023 bytes at a time (probe p4): a longer line is
	// two lines.
	in := "k " + strings.Repeat("A", 1100) + "\n"
	got, _ := preLines(t, map[string]string{"main.conf": in}, Options{})
	if len(got) != 2 || !strings.HasPrefix(got[1], "1: AAA") || len(got[0]) != len("1: ")+maxLine {
		t.Fatalf("got %d lines: %.40q", len(got), got)
	}
}
