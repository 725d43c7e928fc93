package daemon

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const smapsSample = `00400000-00c00000 r-xp 00000000 fe:00 42                          /usr/sbin/govrrpd
Size:               8192 kB
Rss:                6000 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me
00c00000-01400000 r--p 00800000 fe:00 42                          /usr/sbin/govrrpd
Rss:                3000 kB
Anonymous:             0 kB
VmFlags: rd mr mw me
01400000-01500000 rw-p 01000000 fe:00 42                          /usr/sbin/govrrpd
Rss:                 500 kB
Anonymous:           200 kB
01500000-01600000 r--p 01100000 fe:00 42                          /usr/sbin/govrrpd
Rss:                  40 kB
Anonymous:             8 kB
01600000-01700000 r--p 01200000 fe:00 42                          /usr/sbin/govrrpd
Rss:                  12 kB
Anonymous:             0 kB
VmFlags: rd mr mw me lo
01700000-01800000 r--p 00000000 fe:00 43                          /usr/sbin/other
Rss:                  12 kB
Anonymous:             0 kB
c000000000-c004000000 rw-p 00000000 00:00 0
Rss:               20000 kB
Anonymous:         20000 kB
7ffd00000000-7ffd00021000 r--p 00000000 00:00 0                  [vvar]
Rss:                   0 kB
`

// Only the executable's read-only mappings without a written page and not
// locked are trimmed: not its data, not a PIE's relocated RELRO (anonymous
// pages in a read-only mapping), not what mlock holds, not another file.
func TestExeMappings(t *testing.T) {
	got := exeMappings([]byte(smapsSample), "/usr/sbin/govrrpd")
	want := []mapping{{0x400000, 0xc00000, 6000}, {0xc00000, 0x1400000, 3000}}
	if !slices.Equal(got, want) {
		t.Errorf("exeMappings = %+v, want %+v", got, want)
	}
	if got := exeMappings([]byte(smapsSample), "/usr/sbin/govrrpd (deleted)"); len(got) != 0 {
		t.Errorf("a path the maps do not name: %+v, want none", got)
	}
}

func rssFileKiB(t *testing.T) int64 {
	t.Helper()
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	for l := range strings.Lines(string(st)) {
		if v, ok := strings.CutPrefix(l, "RssFile:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("RssFile %q: %v", v, err)
			}
			return n
		}
	}
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}

// The test binary trims itself: its file-backed RSS falls by about what
// trimText reports, and its code still runs, mapping pages back as it goes.
func TestTrimTextRunsOn(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("linux only")
	}
	before := rssFileKiB(t)
	dropped, err := trimText()
	if err != nil {
		t.Fatal(err)
	}
	after := rssFileKiB(t)
	if dropped <= 0 || after >= before {
		t.Fatalf("trimmed %d KiB of the binary: RssFile %d → %d kB", dropped>>10, before, after)
	}
	runtime.GC() // the runtime's tables and code, mapped again
	if s := fmt.Sprintf("%d/%s", 42, "x"); s != "42/x" {
		t.Fatalf("code after the trim printed %q", s)
	}
	t.Logf("RssFile %d → %d kB (%d KiB of the binary unmapped); %d kB after running on", before, after, dropped>>10, rssFileKiB(t))
}
