package confparse

import (
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
