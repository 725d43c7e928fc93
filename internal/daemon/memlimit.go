package daemon

import (
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
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
// this allocation rate costs a collection every few seconds at most. At
// start it waits for the first election (firstElection): a mass takeover
// allocates, and a collection every few megabytes of it made the last of
// 4,080 takeovers later.
//
// Until then the collector runs at a quarter of the live heap, not Go's
// default of all of it, when the configuration file is large (lowerStartGC):
// Go's collector does not move objects, so what start-up leaves alive
// stays in the spans it was made in, between the parse's and the
// takeovers' garbage, and a span is returned only when all of it is free.
// Collecting more often while the instances, their configuration and the
// first transitions are made lets them fill the slots the garbage left
// instead of new spans: at 4,080 instances the heap's in-span slack once
// started fell from 2.1–3.0 MB to 1.5–2.0 MB, for about forty more
// collections in the first seconds (docs/scale.md, session 8).
//
// GOGC and GOMEMLIMIT, when set, are the operator's choice and win: the
// daemon then leaves the runtime alone.

// memHeadroom is the soft limit's margin over what the runtime holds once
// start-up garbage is returned: a quarter of it, and at least 4 MiB so a
// small daemon is not collecting all the time.
func memHeadroom(held uint64) uint64 { return max(held/4, 4<<20) }

// firstElection is how long after start-up the first election is over:
// the longest Master_Down_Interval (down_timer_adverts × advert_int + the
// skew, under a second), then two seconds for the takeovers, then the
// longest garp_master_delay, after which each new master sends its second
// burst of gratuitous ARPs (5 s by default): that burst allocates too,
// and the heap it grew stayed resident above the limit's trim.
func firstElection(cfg *confparse.Config) time.Duration {
	var longest, garp time.Duration
	for i := range cfg.Instances {
		in := &cfg.Instances[i]
		longest = max(longest, time.Duration(in.DownTimerAdverts)*in.AdvertInt+time.Second)
		if g := in.GARP; g.MasterRepeat > 0 {
			garp = max(garp, g.MasterDelay)
		}
	}
	return longest + 2*time.Second + garp
}

// minTuned is the heap below which the daemon leaves the runtime alone:
// the first collection makes the binary's global data resident (about a
// megabyte), more than an idle daemon's heap headroom is worth. An idle
// daemon holds 2–3 MiB of heap; 4,080 instances held 17–20 MiB once the
// first election was over, and 14–16 MiB since vrrp.Instance shrank, so
// at 16 MiB such a master was sometimes left untuned and ran at GOGC's
// twice-the-live-heap (one run: RssAnon 23.0 MB, tuned masters 17.6–21.2).
const minTuned = 8 << 20

// memoryTuned reports whether the daemon may set the limit: neither GOGC
// nor GOMEMLIMIT is set.
func memoryTuned(getenv func(string) string) bool {
	return getenv("GOGC") == "" && getenv("GOMEMLIMIT") == ""
}

// liftMemoryLimit removes the soft limit the daemon set (never the
// operator's), for a reload that reads a file.
func liftMemoryLimit(getenv func(string) string) {
	if memoryTuned(getenv) {
		debug.SetMemoryLimit(math.MaxInt64)
	}
}

// tuneMemory returns start-up garbage to the system and sets the soft
// limit, off the loop: the full collection it forces takes tens of
// milliseconds at thousands of instances, and adverts must not wait.
// large says lowerStartGC found the configuration large: such a daemon is
// tuned whatever its heap holds at that moment, since at a quarter's
// percentage one backup of 4,080 instances in six held less than minTuned
// at the trim and was left at Go's twice the live heap, without a limit.
func tuneMemory(log *slog.Logger, getenv func(string) string, large bool) {
	if !memoryTuned(getenv) {
		return
	}
	go tuneNow(log, large)
}

// tuneNow is tuneMemory's work, once the operator has been found to leave
// the runtime to the daemon: Go's default percentage again, then the trim
// and the limit for a daemon large enough to be worth them.
func tuneNow(log *slog.Logger, large bool) {
	debug.SetGCPercent(defaultGCPercent)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if !large && ms.HeapSys-ms.HeapReleased < minTuned {
		return // a small daemon: a forced collection would cost more
	}
	debug.SetMemoryLimit(math.MaxInt64) // none while measuring (-1 >> 1 is -1: no change)
	debug.FreeOSMemory()
	runtime.ReadMemStats(&ms)
	held := ms.Sys - ms.HeapReleased
	limit := held + memHeadroom(held)
	debug.SetMemoryLimit(int64(limit))
	log.Debug("memory limit set", "held_bytes", held, "live_heap_bytes", ms.HeapAlloc, "limit_bytes", limit)
}

const (
	// defaultGCPercent is Go's GOGC when the environment sets none.
	defaultGCPercent = 100
	// startGCPercent is the collector's percentage while a large
	// configuration is loaded and first elected (lowerStartGC).
	startGCPercent = 25
	// minStartFile is the configuration file size from which start-up
	// collects at startGCPercent: 717 KB holds 4,080 instances as the
	// scale lab writes them, so this is about 1,400. A smaller file's
	// start-up heap stays near the runtime's 4 MB minimum, which Go scales
	// with the percentage: at 25 % a one-instance daemon would collect
	// where it did not, and its first collection makes about a megabyte
	// of the binary's data resident (minTuned).
	minStartFile = 256 << 10
)

// lowerStartGC sets startGCPercent for the load and the first election
// when the configuration file at path is at least minStartFile and the
// runtime is the daemon's to tune; tuneMemory sets Go's default again.
// It reports whether it did.
func lowerStartGC(path string, getenv func(string) string) bool {
	if !memoryTuned(getenv) {
		return false
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() < minStartFile {
		return false
	}
	debug.SetGCPercent(startGCPercent)
	return true
}
