package daemon

import (
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// watchdog pings systemd's watchdog (WatchdogSec= in dist/govrrpd.service)
// from the event loop itself: the ticker only offers a tick, and the loop
// must come round to take it and send WATCHDOG=1. A loop wedged in a
// handler stops pinging and systemd restarts the daemon, which matters
// because a wedged master still holds its VIPs but no longer advertises.
//
// The loop's only hook is one select case: `case <-d.wd.ticks(): d.wd.ping()`.
// Without WATCHDOG_USEC (or with WATCHDOG_PID naming another process), or
// on a Daemon built without Run (tests), ticks is nil and the case never
// fires.
type watchdog struct {
	C      <-chan time.Time
	every  time.Duration // 0: disabled
	ticker *time.Ticker
	send   func(state string)
}

// newWatchdog reads the interval systemd gives (WATCHDOG_USEC, for us only
// when WATCHDOG_PID is our pid) and pings at half of it, as sd_watchdog_enabled(3)
// advises. send is the sd_notify sender.
func newWatchdog(send func(string)) (*watchdog, error) {
	usec, err := daemon.SdWatchdogEnabled(false)
	w := &watchdog{send: send}
	if err != nil || usec <= 0 {
		return w, err
	}
	w.every = pingInterval(usec)
	w.ticker = time.NewTicker(w.every)
	w.C = w.ticker.C
	return w, nil
}

// pingInterval is half the watchdog timeout, never below a millisecond.
func pingInterval(timeout time.Duration) time.Duration {
	return max(timeout/2, time.Millisecond)
}

// ticks is the channel the loop selects on; nil (never ready) when the
// watchdog is off or w is nil.
func (w *watchdog) ticks() <-chan time.Time {
	if w == nil {
		return nil
	}
	return w.C
}

// ping is called by the loop on each tick.
func (w *watchdog) ping() { w.send("WATCHDOG=1") }

// stop ends the ticks; systemd stops expecting pings once STOPPING=1 is sent.
func (w *watchdog) stop() {
	if w != nil && w.ticker != nil {
		w.ticker.Stop()
	}
}
