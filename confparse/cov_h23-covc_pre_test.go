package confparse

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The preprocessor's defaults and corners with no direct rows elsewhere:
// the host name as the default config id, ${_PWD} through a symbolic
// link, a multi-line definition that collected nothing, and one step of
// include globbing.

// TestDefaultConfigIDIsShortHostname: without -i, @ID lines match the host
// name up to its first dot, as keepalived's default config id.
func TestDefaultConfigIDIsShortHostname(t *testing.T) {
	h, err := os.Hostname()
	if err != nil || h == "" {
		t.Skipf("no host name: %v", err)
	}
	short, _, _ := strings.Cut(h, ".")
	if got := defaultConfigID(); got != short {
		t.Fatalf("defaultConfigID() = %q, want %q", got, short)
	}
	p := filepath.Join(t.TempDir(), "main.conf")
	if err := os.WriteFile(p, []byte("@"+short+" mine\n@^"+short+" others\n@"+short+".x longer\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	pp := newPreproc(Options{}, func(l SourceLine) { got = append(got, l.Text) }, 1)
	pp.run(p)
	if len(pp.diags) != 0 || !slices.Equal(got, []string{"mine"}) {
		t.Errorf("lines %q, diags %v", got, pp.diags)
	}
}

// TestPwdThroughSymlink: keepalived chdir()s into a file's directory and
// ${_PWD} is getcwd(), the resolved path, not the link's.
func TestPwdThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("etc", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "etc", "main.conf"), []byte("here ${_PWD}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	pp := newPreproc(Options{ConfigID: "n"}, func(l SourceLine) { got = append(got, l.Text) }, 1)
	pp.run(filepath.Join(dir, "link", "main.conf"))
	if want := "here " + filepath.Join(real, "etc"); len(got) != 1 || got[0] != want {
		t.Errorf("lines %q, want %q (diags %v)", got, want, pp.diags)
	}
}

// TestEmptyMultilineDefinition: a definition opened with a lone '\' and
// closed by an empty line is an ordinary empty one, usable mid-line, where
// a multi-line one is recognised only at the end of a line.
func TestEmptyMultilineDefinition(t *testing.T) {
	for _, r := range []struct{ name, in, want string }{
		{"empty, mid-line", "$D=\\\n\nx $D y\n", "3: x  y"},
		{"empty, alone", "$D=\\\n\n$D\nz\n", "4: z"},
		{"non-empty, mid-line is left", "$D=a \\\nb\n\nx $D y\n", "4: x $D y"},
		{"a comment line does not close it", "$D=a \\\n# c\nb\n$D\n", "4: a|4: b"},
	} {
		got, ds := preLines(t, map[string]string{"main.conf": r.in}, Options{})
		if len(ds) != 0 || strings.Join(got, "|") != r.want {
			t.Errorf("%s: lines %q, want %q (diags %v)", r.name, got, r.want, ds)
		}
	}
}

func TestGlobStep(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.conf", "b.conf", ".hidden.conf", "c.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct {
		name, base, comp string
		want             []string
		missing, wild    bool
	}{
		{"empty component keeps a trailing slash", dir, "", []string{dir + "/"}, false, false},
		{"root", "/", "", []string{"/"}, false, false},
		{"literal present", dir, "a.conf", []string{dir + "/a.conf"}, false, false},
		{"literal absent", dir, "z.conf", nil, true, false},
		{"escaped literal", dir, `\a.conf`, []string{dir + "/a.conf"}, false, false},
		{"star skips dot files", dir, "*.conf", []string{dir + "/a.conf", dir + "/b.conf"}, false, true},
		{"leading dot matches them", dir, ".*.conf", []string{dir + "/.hidden.conf"}, false, true},
		{"[!...] negates", dir, "[!a].conf", []string{dir + "/b.conf"}, false, true},
		{"no match is not missing", dir, "*.cf", nil, false, true},
		{"unreadable directory", dir + "/none", "*.conf", nil, true, true},
	} {
		var g globResult
		got := globStep(r.base, r.comp, &g)
		slices.Sort(got)
		if !slices.Equal(got, r.want) || g.missing != r.missing || g.wildcards != r.wild {
			t.Errorf("%s: globStep(%q, %q) = %q missing=%v wildcards=%v", r.name, r.base, r.comp, got, g.missing, g.wildcards)
		}
	}
}
