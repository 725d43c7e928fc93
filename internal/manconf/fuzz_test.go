package manconf

import (
	"io"
	"regexp"
	"slices"
	"testing"
)

// The keyword table is edited by hand: whatever it holds, Parse returns a
// table or an error, and a table renders.
func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("## a\n\n| keyword | class |\n|---|---|\n| `x` | |\n")
	f.Add("| keyword | class |\n| `x` | y |\n")
	f.Fuzz(func(t *testing.T, src string) {
		tab, err := Parse("k.md", []byte(src))
		if err != nil {
			return
		}
		for _, s := range tab.Sections {
			for _, r := range s.Rows {
				if len(r.Keywords) == 0 || r.Status == "" {
					t.Fatalf("row without keyword or status: %+v", r)
				}
			}
		}
		if err := Write(io.Discard, tab, "2026-12-06", "fuzz"); err != nil {
			t.Fatal(err)
		}
	})
}

// Keywords scans for backquoted words as the expression it replaced did:
// the same words for any cell.
func FuzzKeywordsAsRegexp(f *testing.F) {
	for _, s := range []string{"`a`, `b`", "``a`", "`a``b`", "x`", "`", "", "`é` `*_x`"} {
		f.Add(s)
	}
	re := regexp.MustCompile("`([^`]+)`")
	f.Fuzz(func(t *testing.T, cell string) {
		var want []string
		for _, m := range re.FindAllStringSubmatch(cell, -1) {
			want = append(want, m[1])
		}
		if got := Keywords(cell); !slices.Equal(got, want) {
			t.Fatalf("%q: %q, want %q", cell, got, want)
		}
	})
}
