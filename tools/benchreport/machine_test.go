package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A redraw with -from must name the run's date, commit and load, not its own.
func TestEnvKeptWithOutputs(t *testing.T) {
	dir := t.TempDir()
	want := &env{date: "2026-12-06 15:24 UTC", cpu: "AMD EPYC", mem: "23.5 GiB", kernel: "6.1.0",
		commit: "4c3911bb7e4d", keepalived: "Keepalived v2.2.7", cores: 2,
		loadStart: "0.61 0.65 0.79", loadEnd: "1.21 1.91 3.58"}
	if err := want.save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := loadEnv(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loaded %+v, want %+v", got, want)
	}
	if _, err := loadEnv(t.TempDir()); !os.IsNotExist(err) {
		t.Errorf("no env.json: err %v, want not-exist", err)
	}
	if err := os.WriteFile(filepath.Join(dir, envFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadEnv(dir); err == nil {
		t.Error("a broken env.json was accepted")
	}
}

func TestRerunNamed(t *testing.T) {
	header := &env{date: "2026-12-06 15:24 UTC", run: "2026-12-06 15:24 UTC", commit: "4c3911bb7e4d"}
	old := &env{date: "2026-12-06 15:24 UTC", commit: "4c3911bb7e4d"} // kept before env.json had Run
	for _, c := range []struct {
		name string
		src  *env
		want string
	}{
		{"no env.json", nil, ""},
		{"measured by the header's run", &env{date: "2026-12-06 15:40 UTC", run: header.run, commit: "4c3911bb7e4d"}, ""},
		{"later run", &env{date: "2026-12-06 17:30 UTC", run: "2026-12-06 17:29 UTC", commit: "abc", loadStart: "1", loadEnd: "2"},
			"idle-rss: measured 2026-12-06 17:30 UTC at commit abc (load average 1 at its start, 2 at its end)"},
	} {
		if got := rerun(header, "idle-rss", c.src); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := rerun(&env{date: old.date}, "x", &env{date: "later", run: old.date}); got != "" {
		t.Errorf("a header kept without Run matched by its date: %q", got)
	}
}
