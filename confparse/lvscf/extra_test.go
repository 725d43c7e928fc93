package lvscf

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/extra golden files")

// extraInputs are hand-written files that exercise the rules the six
// reference examples do not reach; their outputs were reviewed by hand.
var extraInputs = []string{"kitchen-lvs", "kitchen-fos"}

func TestExtraGolden(t *testing.T) {
	for _, name := range extraInputs {
		for _, node := range []string{"primary", "backup"} {
			t.Run(name+"/"+node, func(t *testing.T) {
				got, diags := convertFile(t, "testdata/extra/"+name+".cf", node)
				for _, out := range []struct{ ext, text string }{{".conf", got}, {".diag", diags}} {
					path := filepath.Join("testdata/extra", name+"."+node+out.ext)
					if *update {
						if err := os.WriteFile(path, []byte(out.text), 0o644); err != nil {
							t.Fatal(err)
						}
						continue
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					if out.text != string(want) {
						t.Errorf("%s differs:\n%s", path, lineDiff(string(want), out.text))
					}
				}
			})
		}
	}
}

// convertFile returns the rendered output and the diagnostics as text.
func convertFile(t testing.TB, path, node string) (string, string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, ds := Import(data, Options{}, ConvertOptions{Node: node})
	if res == nil {
		t.Fatalf("%s: %v", path, ds)
	}
	return res.String(), ds.String()
}

// allOutputs converts every example and extra input for both nodes; the
// standalone backup is skipped since it is an error by design.
func allOutputs(t testing.TB) map[string]string {
	out := map[string]string{}
	for _, ex := range examples {
		for _, node := range []string{"primary", "backup"} {
			if ex == "tunnel-standalone" && node == "backup" {
				continue
			}
			out[ex+"."+node], _ = convertFile(t, "testdata/examples/"+ex+".cf", node)
		}
	}
	for _, ex := range extraInputs {
		for _, node := range []string{"primary", "backup"} {
			out[ex+"."+node], _ = convertFile(t, "testdata/extra/"+ex+".cf", node)
		}
	}
	if len(out) != 15 {
		t.Fatalf("want 15 outputs, got %d", len(out))
	}
	for k, v := range out {
		if strings.Contains(v, "\t") || strings.Contains(v, " \n") || !strings.HasSuffix(v, "}\n") {
			t.Errorf("%s: tabs, trailing blanks or missing final newline", k)
		}
	}
	return out
}
