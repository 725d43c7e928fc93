package main

import (
	"reflect"
	"testing"
)

// TestSplitKV: values are bare words or Go-quoted strings, as benches
// write them with %q, so a quote inside a figure ("no \"Reload complete\"
// line") stays in the value instead of ending it.
func TestSplitKV(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string]string
		bad  bool
	}{
		{in: `a=1 b="x y"`, want: map[string]string{"a": "1", "b": "x y"}},
		{in: `k="> 120 s (no \"Reload complete\" line)" verdict=pass`,
			want: map[string]string{"k": `> 120 s (no "Reload complete" line)`, "verdict": "pass"}},
		{in: `k="≤ 0.25×" r=0.057`, want: map[string]string{"k": "≤ 0.25×", "r": "0.057"}},
		{in: `k="open`, bad: true},
		{in: `novalue`, bad: true},
	} {
		got, err := splitKV(c.in)
		if (err != nil) != c.bad || !c.bad && !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitKV(%q) = %v, %v; want %v (error %v)", c.in, got, err, c.want, c.bad)
		}
	}
}
