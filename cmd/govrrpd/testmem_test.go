package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTestMemoryLimit(t *testing.T) {
	dir := t.TempDir()
	sized := func(name string, size int64) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil { // sparse: no disk used
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		path string
		want int64
	}{
		{"small file keeps the floor", sized("small.conf", 1000), 64 << 20},
		{"floor up to 64MiB/6", sized("edge.conf", (64<<20)/6), 64 << 20},
		{"large file scales", sized("large.conf", 20<<20), 6 * (20 << 20)},
		{"missing file keeps the floor", filepath.Join(dir, "missing.conf"), 64 << 20},
	}
	for _, c := range cases {
		if got := testMemoryLimit(c.path); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}
