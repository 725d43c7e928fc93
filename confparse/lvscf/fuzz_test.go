package lvscf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any bytes parse without panic and either fail with a line
// inside the file or succeed.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/examples/*.cf")
	more, _ := filepath.Glob("testdata/examples/invalid/*.cf")
	for _, p := range append(files, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add([]byte("virtual a {\n server b {\n port = 0x\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, strict bool) {
		_, ds := Parse(data, Options{Strict: strict})
		for _, d := range ds {
			if d.Pos.Line < 0 || d.Pos.Line > len(data)+1 {
				t.Fatalf("diagnostic line %d outside input of %d bytes", d.Pos.Line, len(data))
			}
		}
	})
}

// FuzzImport: whatever parses converts or fails cleanly, and the output is
// well-formed text.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob("testdata/examples/*.cf")
	more, _ := filepath.Glob("testdata/extra/*.cf")
	for _, p := range append(files, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, true)
		f.Add(b, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, primary bool) {
		node := "backup"
		if primary {
			node = "primary"
		}
		res, ds := Import(data, Options{}, ConvertOptions{Node: node})
		if res == nil {
			if Err(ds) == nil {
				t.Fatal("no result and no error")
			}
			return
		}
		out := res.String()
		if !strings.HasSuffix(out, "\n") || strings.Contains(out, "\t") {
			t.Fatalf("malformed output:\n%s", out)
		}
	})
}
