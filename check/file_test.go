package check_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

func TestFileCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "status")
	c := check.Checker{Kind: check.File, Source: srcpos.Make("t", 1), Target: rsA,
		Settings: &check.FileSettings{TrackFile: "tf", Path: path}}
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantUp(t, probeOnce(t, c), false) // missing file
	write("0\n")
	wantUp(t, probeOnce(t, c), true)
	write("1\n")
	wantUp(t, probeOnce(t, c), false)
	c.File().Weight = 10
	write("3\n")
	if o := probeOnce(t, c); !o.Up || o.WeightDelta != 30 {
		t.Fatalf("weight 10, value 3: %+v", o)
	}
	c.File().Reverse = true
	if o := probeOnce(t, c); !o.Up || o.WeightDelta != -30 {
		t.Fatalf("weight 10 reverse, value 3: %+v", o)
	}
	write("-10000000\n") // × -10 reversed: +1e8, up
	if o := probeOnce(t, c); !o.Up || o.WeightDelta != 100000000 {
		t.Fatalf("weight 10 reverse, value -1e7: %+v", o)
	}
	c.File().Reverse, c.File().Weight = false, 254 // -2.54e9 ≤ INT32_MIN: keepalived's fault weight
	if o := probeOnce(t, c); o.Up {
		t.Fatalf("weight 254, value -1e7: %+v, want down", o)
	}
	c.File().Path = ""
	if _, err := check.New(c); err == nil {
		t.Fatal("FILE_CHECK without a path accepted")
	}
}
