package daemon

import (
	"log/slog"
	"runtime"
	"runtime/debug"
)

// The Go runtime keeps the memory it has used until its scavenger gives it
// back, paced to the heap goal: twice the live heap at the default GOGC.
// Parsing a configuration of thousands of instances, and the takeover that
// follows, allocate several times the heap that runs afterwards, and the
// running daemon allocates next to nothing (TestScaleMasterAllocs), so
// that headroom is resident memory spent for nothing. Once started, and
// after each reload, the daemon therefore returns what start-up left
// (debug.FreeOSMemory) and sets a soft memory limit a little above what
// it then holds: the collector runs more often near the limit, which at
// this allocation rate costs a collection every few seconds at most.
//
// GOGC and GOMEMLIMIT, when set, are the operator's choice and win: the
// daemon then leaves the runtime alone.

// memHeadroom is the soft limit's margin over what the runtime holds once
// start-up garbage is returned: a quarter of it, and at least 4 MiB so a
// small daemon is not collecting all the time.
func memHeadroom(held uint64) uint64 { return max(held/4, 4<<20) }

// memoryTuned reports whether the daemon may set the limit: neither GOGC
// nor GOMEMLIMIT is set.
func memoryTuned(getenv func(string) string) bool {
	return getenv("GOGC") == "" && getenv("GOMEMLIMIT") == ""
}

// tuneMemory returns start-up garbage to the system and sets the soft
// limit, off the loop: the full collection it forces takes tens of
// milliseconds at thousands of instances, and adverts must not wait.
func tuneMemory(log *slog.Logger, getenv func(string) string) {
	if !memoryTuned(getenv) {
		return
	}
	go func() {
		debug.SetMemoryLimit(-1 >> 1) // none while measuring
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		held := ms.Sys - ms.HeapReleased
		limit := held + memHeadroom(held)
		debug.SetMemoryLimit(int64(limit))
		log.Debug("memory limit set", "held_bytes", held, "live_heap_bytes", ms.HeapAlloc, "limit_bytes", limit)
	}()
}
