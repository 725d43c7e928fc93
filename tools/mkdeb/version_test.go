package main

import (
	"os/exec"
	"sort"
	"testing"
	"time"
)

func TestDebVersion(t *testing.T) {
	at := time.Date(2026, 12, 6, 6, 14, 6, 0, time.UTC)
	tests := []struct{ describe, want string }{
		{"v1.2.3", "1.2.3"},
		{"1.2", "1.2"},
		{"v1.2.3-4-g57a40096b7b5", "1.2.3+git4.57a40096b7b5"},
		{"v1.2.3-dirty", "1.2.3+dirty"},
		{"57a40096b7b5", "0.1.0~git20261206061406.57a40096b7b5"},
		{"57a40096b7b5-dirty", "0.1.0~git20261206061406.57a40096b7b5.dirty"},
		{"release-x", "0.1.0~git20261206061406"},
	}
	for _, tt := range tests {
		if got := debVersion(tt.describe, at); got != tt.want {
			t.Errorf("debVersion(%q) = %q, want %q", tt.describe, got, tt.want)
		}
	}
}

// The versions must sort as releases do, by dpkg's own comparison:
// untagged builds before the first release, by commit time; a build after
// a tag after it.
func TestDebVersionsSortInDpkgOrder(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg not installed")
	}
	early := debVersion("aaaa", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	late := debVersion("bbbb", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	want := []string{early, late, "0.1.0", debVersion("v0.1.0-3-gcccc", time.Time{}), "0.2.0"}
	var got []string
	for i := len(want) - 1; i >= 0; i-- {
		got = append(got, want[i])
	}
	sort.SliceStable(got, func(i, j int) bool {
		return exec.Command("dpkg", "--compare-versions", got[i], "lt", got[j]).Run() == nil
	})
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("dpkg order %q, want %q", got, want)
		}
	}
}
