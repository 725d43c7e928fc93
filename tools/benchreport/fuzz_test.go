package main

import (
	"strings"
	"testing"
)

// ROW lines come from any benchmark's output: a malformed one is an error,
// never a panic or a row without a name.
func FuzzParseROW(f *testing.F) {
	for _, s := range []string{
		`ROW name="master CPU" govrrpd=24.7% keepalived=17.6% ratio=1.40 target="≤1.0×" verdict=miss by="40 %"`,
		`ROW name=x verdict=pass`, `ROW name="`, `ROW =`, `ROW a=b c`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, isRow, err := parseROW("g", line)
		if isRow != strings.HasPrefix(strings.TrimSpace(line), "ROW ") {
			t.Fatalf("isRow %v for %q", isRow, line)
		}
		if isRow && err == nil && r.Name == "" {
			t.Fatalf("row without a name from %q", line)
		}
	})
}
