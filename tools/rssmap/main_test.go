package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestOwnText: the test binary's own code is resident where it runs, and
// nothing is counted beyond the process's RSS.
func TestOwnText(t *testing.T) {
	secs, err := residentSections("/proc/self/exe", "/proc/self/pagemap")
	if err != nil {
		t.Skipf("pagemap unreadable here: %v", err)
	}
	var text *section
	total := 0
	for i := range secs {
		if secs[i].name == ".text" {
			text = &secs[i]
		}
		total += secs[i].file + secs[i].anon
	}
	if text == nil || text.file == 0 {
		t.Fatalf("no resident .text in %+v", secs)
	}
	st, _ := os.ReadFile("/proc/self/status")
	v, ok := statusField(string(st), "VmRSS")
	kb, err := strconv.Atoi(strings.TrimSuffix(v, " kB"))
	if !ok || err != nil {
		t.Fatalf("VmRSS %q: %v", v, err)
	}
	if total*4 > kb {
		t.Errorf("sections hold %d KiB, more than VmRSS %d KiB", total*4, kb)
	}
}

func TestStatusField(t *testing.T) {
	st := "Name:\tgovrrpd\nVmRSS:\t   18432 kB\nThreads:\t8\n"
	for _, c := range []struct{ key, want string }{{"VmRSS", "18432 kB"}, {"Threads", "8"}, {"Name", "govrrpd"}} {
		if got, ok := statusField(st, c.key); !ok || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.key, got, ok, c.want)
		}
	}
	if _, ok := statusField(st, "VmHWM"); ok {
		t.Error("VmHWM found in a status without it")
	}
}

// FuzzStatusField: any status text, any key; a found value has no
// leading, trailing or doubled spaces.
func FuzzStatusField(f *testing.F) {
	f.Add("VmRSS:\t 1 kB\n", "VmRSS")
	f.Add("VmRSS:", "VmRSS")
	f.Fuzz(func(t *testing.T, status, key string) {
		v, ok := statusField(status, key)
		if ok && (strings.HasPrefix(v, " ") || strings.HasSuffix(v, " ") || strings.Contains(v, "  ")) {
			t.Fatalf("%q", v)
		}
	})
}

func TestPackageOf(t *testing.T) {
	for _, c := range []struct{ sym, want string }{
		{"net/netip.Addr.String", "net/netip"},
		{"github.com/govrrpd/govrrpd/vrrp.(*Machine).Handle", "github.com/govrrpd/govrrpd/vrrp"},
		{"runtime.mallocgc", "runtime"},
		{"github.com/a/b.c/d.F", "github.com/a/b.c/d"},
		{"type:.eq.[2]string", "type:"},
		{"main.main", "main"},
		{"nodot", "nodot"},
	} {
		if got := packageOf(c.sym); got != c.want {
			t.Errorf("packageOf(%q) = %q, want %q", c.sym, got, c.want)
		}
	}
}

// TestOwnTextByPackage: the test's own run puts the runtime's and this
// package's code in memory, and no package has more resident than it has.
func TestOwnTextByPackage(t *testing.T) {
	pk, err := textByPackage("/proc/self/exe", "/proc/self/pagemap")
	if err != nil {
		t.Skipf("no symbols or pagemap here: %v", err)
	}
	found := map[string]bool{}
	for _, p := range pk {
		if p.present > p.pages {
			t.Errorf("%s: %d pages present of %d", p.name, p.present, p.pages)
		}
		if p.present > 0 {
			found[p.name] = true
		}
	}
	if !found["runtime"] || !found["testing"] {
		t.Errorf("runtime or testing code not resident while this test runs: %v", found)
	}
}
