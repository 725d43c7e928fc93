package daemon

import (
	"runtime"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// The master-down timer decides how long clients lose the VIP when a
// master dies. Waking this process from a timerfd after seconds idle cost
// 140–700 µs here (the backup sits idle for 3.6 s at VRRPv2 defaults), more
// than keepalived's single epoll thread pays. So that timer wakes us
// prewakeMargin early, and the loop stays awake for the rest, serving
// events as they come, and fires on the deadline itself. The spin costs at
// most prewakeMargin of CPU, and only when a master is really declared
// dead: while adverts arrive, the timer is re-armed before it wakes.
const prewakeMargin = 2 * time.Millisecond

// prewakeFor is how early the timerfd for id should fire. Other timers
// (adverts, GARP refresh) recur every interval, and spinning before each
// would cost CPU all the time for no client-visible gain. On a single
// CPU the spinning loop could keep the packet reader from running, and an
// advert arriving in the last stretch must still cancel the takeover.
func prewakeFor(id vrrp.TimerID, after time.Duration) time.Duration {
	if id != vrrp.TimerMasterDown || runtime.GOMAXPROCS(0) < 2 {
		return 0
	}
	return min(prewakeMargin, after/4)
}

// spinTo runs the loop without sleeping until the timer's deadline, then
// fires it, unless an event handled meanwhile (an advert) re-armed or
// stopped it.
func (d *Daemon) spinTo(in *instance, id vrrp.TimerID, gen uint64) {
	armed := func() bool { return !in.stopped && in.timerGen[id] == gen }
	if spin(in.deadline[id], d.events, d.handle, armed) {
		d.handle(evTimer{inst: in, id: id, gen: gen})
	}
}

// spin handles events as they come until dl, and reports whether the
// deadline came with the timer still armed.
func spin(dl time.Time, events <-chan event, handle func(event), armed func() bool) bool {
	for time.Now().Before(dl) {
		select {
		case ev := <-events:
			handle(ev)
			if !armed() {
				return false
			}
		default:
		}
	}
	return true
}
