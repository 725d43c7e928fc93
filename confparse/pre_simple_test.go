package confparse

import (
	"os"
	"reflect"
	"testing"
)

// FuzzSimplePath checks the preprocessor's shortest path (processSimple)
// against the general one: every line must come out the same, with the
// same diagnostics, whichever path read it.
func FuzzSimplePath(f *testing.F) {
	for _, s := range []string{
		"global_defs {\n    router_id bench\n}\n",
		"virtual_server 192.0.2.1 80 {\n  real_server 198.51.100.1 80 { weight 1 }\n}\n",
		"a\x00b {\nc # d\n  e \"f { g\" }\n",
		"$X=1\nfoo $X\n@n bar\n@^n baz\n~SEQ(i,1,2) q $i\n",
		"include_check\ninclude missing.conf\nincludex y\nvirtual_server_i {\n",
		"$M=a \\\nb\n\nafter\n",
		"  \t \n}\n{\n} x {\n \\#y\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if escapesSandbox(in) {
			t.Skip("include could reach files outside the fuzz directory")
		}
		files := map[string]string{"main.conf": in}
		fast, fd := preLines(t, files, Options{})
		simpleOff = true
		slow, sd := preLines(t, files, Options{})
		simpleOff = false
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("input %q:\nshortest path %q\ngeneral path  %q", in, fast, slow)
		}
		if len(fd) != len(sd) {
			t.Fatalf("input %q: diagnostics differ:\n%v\n%v", in, fd, sd)
		}
		for i := range fd {
			if fd[i].Msg != sd[i].Msg || fd[i].Pos.Line != sd[i].Pos.Line || fd[i].Severity != sd[i].Severity {
				t.Fatalf("input %q: diagnostics differ:\n%v\n%v", in, fd, sd)
			}
		}
	})
}

// FuzzEmittedLinesSplit checks what the tokenizer relies on when it skips
// its own brace search: every line the preprocessor emits is a lone brace
// or has no brace outside double quotes.
func FuzzEmittedLinesSplit(f *testing.F) {
	for _, s := range []string{
		"a { b } c\n", "x \"{\" y {\n", "{{}}\n", "k \"unterminated { \n", "} $X=1 {\n$X\n",
		"~SEQ(i,1,3) v$i { w }\n", "@n { q }\n", "z\"a{\"b{c\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if escapesSandbox(in) {
			t.Skip("include could reach files outside the fuzz directory")
		}
		dir := t.TempDir()
		p := dir + "/main.conf"
		if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
			t.Fatal(err)
		}
		pp := newPreproc(Options{ConfigID: "n"}, func(l SourceLine) {
			if !l.split {
				t.Fatalf("line %q not marked split", l.Text)
			}
			if l.Text != "{" && l.Text != "}" && firstBrace(l.Text) >= 0 {
				t.Fatalf("input %q: emitted line %q holds a brace", in, l.Text)
			}
		}, 1)
		pp.run(p)
	})
}
