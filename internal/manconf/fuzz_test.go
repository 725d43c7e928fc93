package manconf

import (
	"io"
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
