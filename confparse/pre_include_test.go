package confparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPreprocessInclude(t *testing.T) {
	files := map[string]string{
		"main.conf":       "a\ninclude sub/one.conf\nb\ninclude sub/{two,three}.conf\ninclude sub/*.part\nc\n",
		"sub/one.conf":    "one $X\ninclude deeper.conf\n", // relative to sub/
		"sub/deeper.conf": "deep ${_PWD}\n",
		"sub/two.conf":    "$X=2\ntwo\n",
		"sub/three.conf":  "three $X\n",
		"sub/b.part":      "pb\n",
		"sub/a.part":      "pa\n",
	}
	got, diags := preLines(t, files, Options{})
	joined := strings.Join(got, "\n")
	want := []string{"1: a", "one.conf:1: one $X", "deeper.conf:1: deep ", "3: b",
		"two.conf:2: two", "three.conf:1: three 2", "a.part:1: pa", "b.part:1: pb", "6: c"}
	for i, w := range want {
		if i >= len(got) || !strings.HasPrefix(got[i], w) {
			t.Fatalf("line %d: want prefix %q\ngot:\n%s\ndiags: %v", i, w, joined, diags)
		}
	}
	if !strings.HasSuffix(got[2], "/sub") {
		t.Fatalf("_PWD is not the included file's directory: %q", got[2])
	}
	if diags.HasErrors() {
		t.Fatalf("diags: %v", diags)
	}
}

func TestPreprocessIncludeChecks(t *testing.T) {
	cases := []struct {
		name, main string
		opts       Options
		msg        string
		sev        Severity
	}{
		{"plain missing is info", "include nothere.conf\n", Options{}, "Config files missing", Info},
		{"-e makes missing fatal", "include nothere.conf\n", Options{AllConfig: true}, "Config files missing", Fatal},
		{"includem missing", "includem nothere.conf\n", Options{}, "Config files missing", Fatal},
		{"includew no match", "includew *.none\n", Options{}, "No config files matched", Fatal},
		{"includeb some missing", "includeb {exists,nothere}.conf\n", Options{}, "Some config files missing", Fatal},
		{"include some missing", "include {exists,nothere}.conf\n", Options{}, "Some config files missing", Info},
		{"includer executable", "includer exec.conf\n", Options{}, "not a regular non-executable", Fatal},
		{"include directory", "includer sub*\n", Options{}, "is a directory", Fatal},
		{"include_check set", "global_defs {\ninclude_check match\n}\ninclude nothere.conf\n", Options{}, "Config files missing", Fatal},
		{"loop", "include main.conf\n", Options{}, "nested more than", Warning},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"main.conf": c.main, "exists.conf": "x\n", "subdir/f": "y\n"}
			dir := t.TempDir()
			for n, b := range files {
				p := filepath.Join(dir, n)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(b), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, "exec.conf"), []byte("z\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			p := newPreproc(Options{ConfigID: "n", AllConfig: c.opts.AllConfig}, func(SourceLine) {}, 1)
			p.run(filepath.Join(dir, "main.conf"))
			for _, d := range p.diags {
				if strings.Contains(d.Msg, c.msg) && d.Severity == c.sev {
					return
				}
			}
			t.Fatalf("no %v %q in %v", c.sev, c.msg, p.diags)
		})
	}
}

func TestPreprocessMissingMain(t *testing.T) {
	diags := preprocess(filepath.Join(t.TempDir(), "none.conf"), Options{}, func(SourceLine) {})
	if diags.ExitCode() != int(Fatal) {
		t.Fatalf("diags: %v", diags)
	}
}

func TestBraceExpand(t *testing.T) {
	cases := map[string]string{
		"a{b,c}d":     "abd acd",
		"{a,b}{1,2}":  "a1 a2 b1 b2",
		"x{a,b{c,d}}": "xa xbc xbd",
		"a{b":         "a{b",
		`a\{b,c}`:     `a\{b,c}`,
		"plain":       "plain",
	}
	for in, want := range cases {
		if got := strings.Join(braceExpand(in, 0), " "); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
}
