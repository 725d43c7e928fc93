package helperbin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "tool")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, flag string
		want       string // "" means an error naming every candidate
	}{
		{"given and executable", exe, exe},
		{"given, not executable", plain, ""},
		{"given, missing", filepath.Join(dir, "missing"), ""},
		{"searched, missing", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Find("govrrpd-nonexistent-helper", tt.flag)
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Fatalf("Find = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Find = %q, want an error", got)
			}
			for _, c := range candidates("govrrpd-nonexistent-helper", tt.flag) {
				if !strings.Contains(err.Error(), c) {
					t.Errorf("error %q does not name %s", err, c)
				}
			}
		})
	}
}

func TestFindBesideExecutable(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	got, err := Find(filepath.Base(self), "")
	if err != nil || got != self {
		t.Fatalf("Find(%q) = %q, %v; want the test binary itself", filepath.Base(self), got, err)
	}
}

func TestCandidatesEndInLibexec(t *testing.T) {
	c := candidates("govrrpd-ops", "")
	if c[len(c)-1] != filepath.Join(LibexecDir, "govrrpd-ops") {
		t.Fatalf("candidates = %v, want %s last", c, LibexecDir)
	}
}
