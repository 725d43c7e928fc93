package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// testMemoryLimit bounds the heap of a -t run. -t reads the configuration,
// reports and exits, so the garbage collector's usual headroom (the heap
// may grow to twice what is live) is all cost: on 10,000 virtual servers x
// 10 real servers it once put peak RSS at 105 MB for 47 MB of
// configuration. The limit scales with the file, never below minTestHeap:
// a load of that file now allocates 2.3 bytes per byte of keepalived.conf
// (2.0 of them live at the end; 4.1 and 3.5 before checkers, real and
// virtual servers were slimmed, issue #15), so at 6x the collector does
// not run at all, while a file that reads into more keeps a bound. Included files
// are not counted, so a configuration split over many includes collects
// more often but still completes. The daemon keeps Go's defaults.
func testMemoryLimit(path string) int64 {
	const minTestHeap = 64 << 20
	limit := int64(minTestHeap)
	if st, err := os.Stat(path); err == nil && 6*st.Size() > limit {
		limit = 6 * st.Size()
	}
	return limit
}

// tuneForConfigTest applies testMemoryLimit, unless GOMEMLIMIT or GOGC say
// otherwise. It first collects what the command line's work left behind:
// telling an lvs.cf from a keepalived.conf reads the whole file, and with
// the collector off that copy (13 MB on 660k lines) stayed in the heap
// until the limit was reached, on top of the configuration.
func tuneForConfigTest(path string) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	runtime.GC()
	debug.SetMemoryLimit(testMemoryLimit(path))
	debug.SetGCPercent(-1)
}
