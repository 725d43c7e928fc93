package lvscf

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var examples = []string{"nat-http", "tunnel-standalone", "fwmark", "send-expect-regex", "send-program", "failover-services"}

// TestGolden converts every example for both nodes and compares the text
// byte for byte and the WARNING keys with the reference outputs.
func TestGolden(t *testing.T) {
	for _, ex := range examples {
		for _, node := range []string{"primary", "backup"} {
			t.Run(ex+"/"+node, func(t *testing.T) {
				data := readTestdata(t, "examples/"+ex+".cf")
				res, ds := Import(data, Options{}, ConvertOptions{Node: node})
				base := filepath.Join("testdata/golden", ex+"."+node)
				if want, err := os.ReadFile(base + ".error"); err == nil {
					err := Err(ds)
					if res != nil || err == nil {
						t.Fatalf("want error %q, got success", want)
					}
					if got := "error: " + err.Error() + "\n"; got != string(want) {
						t.Errorf("error = %q, want %q", got, want)
					}
					return
				}
				if res == nil {
					t.Fatalf("conversion failed: %v", ds)
				}
				want := readTestdata(t, "golden/"+ex+"."+node+".conf")
				if got := res.String(); got != string(want) {
					t.Errorf("output differs from golden:\n%s", lineDiff(string(want), got))
				}
				wantKeys := goldenWarnings(t, base+".diag")
				gotKeys := ds.WarningKeys()
				slices.Sort(gotKeys)
				if !slices.Equal(gotKeys, wantKeys) {
					t.Errorf("warning keys %v, want %v\n%v", gotKeys, wantKeys, ds)
				}
			})
		}
	}
}

func goldenWarnings(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "WARNING "); ok {
			k, _, _ := strings.Cut(rest, ":")
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// lineDiff shows the first differing lines.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + itoa(i+1) + "\n  want: " + wl + "\n  got:  " + gl + "\n")
			if n++; n > 8 {
				break
			}
		}
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }
