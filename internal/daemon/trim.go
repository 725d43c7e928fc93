package daemon

import (
	"bufio"
	"bytes"
	"slices"
	"strconv"
	"strings"
)

// The kernel maps the binary's code and read-only data into the process as
// they are first touched, and 64 KiB around each touched page
// (fault-around), and leaves them mapped while memory is plentiful. Start-up
// (every package's init, the configuration's parser, the checks, thousands
// of first takeovers) so leaves most of the binary counted in the daemon's
// RSS, 23 MB at 4,080 instances, although the steady state runs a small part
// of it (docs/scale.md). Once start-up is over the daemon unmaps those pages
// (trimText, madvise MADV_DONTNEED): they stay in the page cache, and the
// code that still runs maps its pages again on its next use, with a minor
// fault and no disk read while the cache holds them.
//
// Only read-only mappings of the executable without a private page are
// unmapped: a page a relocation wrote (a PIE's RELRO) exists nowhere else.

// mapping is one read-only, unwritten mapping of the executable.
type mapping struct {
	start, end uint64
	rssKiB     int64
}

// exeMappings reads /proc/self/smaps and returns the mappings of exe that
// trimText may unmap: not writable, no anonymous (copied-on-write) page in
// them, and not locked (mlock: the operator wants them resident).
func exeMappings(smaps []byte, exe string) []mapping {
	var out []mapping
	var cur *mapping
	var anon int64
	locked := false
	keep := func() {
		if cur != nil && anon == 0 && !locked {
			out = append(out, *cur)
		}
		cur, anon, locked = nil, 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if lo, hi, ok := strings.Cut(f[0], "-"); ok && !strings.HasSuffix(f[0], ":") {
			keep()
			start, err1 := strconv.ParseUint(lo, 16, 64)
			end, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 == nil && err2 == nil && end > start && len(f) >= 6 && f[5] == exe && len(f[1]) == 4 && f[1][1] != 'w' {
				cur = &mapping{start: start, end: end}
			}
			continue
		}
		if cur == nil || len(f) < 2 {
			continue
		}
		if f[0] == "VmFlags:" {
			locked = slices.Contains(f[1:], "lo")
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		switch {
		case err != nil:
		case f[0] == "Rss:":
			cur.rssKiB = n
		case f[0] == "Anonymous:":
			anon = n
		}
	}
	keep()
	return out
}
