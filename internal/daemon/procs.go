package daemon

import (
	"log/slog"
	"runtime"
)

// A VRRP-only daemon (-P) runs its Go code on one processor (GOMAXPROCS 1),
// as keepalived's VRRP process runs on one thread, unless the environment
// sets GOMAXPROCS.
//
// With two, while one thread ran the packet reader or the loop the other
// sat idle in the runtime's network poller, and each advert queued on a
// VRRP socket (every socket is in that poller, edge-triggered, and in the
// reader's epoll set) woke it to find nothing to run: at 4,080 backups
// 650–1,500 context switches a second, and the kernel's task switch 23 %
// of the backup's samples in perf (docs/scale.md, session 8). With one, no
// thread waits in the poller while another runs Go code: the process wakes
// once for a burst of adverts and reads it all, as keepalived does. Nothing
// a VRRP-only daemon runs needs a second processor: its slow work (notify
// scripts, tracker probes) runs in child processes or waits on I/O, and a
// blocking system call hands the processor to the other goroutines.
//
// The checkers and the LVS reconciler (not run with -P) keep every
// processor: a daemon that runs them is left as the runtime sets it.
func vrrpProcs(opts Options, getenv func(string) string) int {
	if !opts.VRRPOnly || opts.CheckOnly || getenv("GOMAXPROCS") != "" {
		return 0
	}
	return 1
}

// setProcs applies vrrpProcs.
func setProcs(log *slog.Logger, opts Options, getenv func(string) string) {
	if n := vrrpProcs(opts, getenv); n > 0 && runtime.GOMAXPROCS(0) != n {
		log.Debug("VRRP only: Go code on one processor", "was", runtime.GOMAXPROCS(n))
	}
}
