package daemon

import (
	"container/heap"
	"runtime"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// One timer service serves every instance: a heap of deadlines behind a
// single wake-up (the waker port, one timerfd on Linux). Before it handles
// any event the loop fires every timer that is due (fireDue), so a timer
// never waits behind queued packets for longer than one event's handling,
// however many arrive.

// numTimers is how many timers one instance can have armed.
const numTimers = int(vrrp.TimerHandover) + 1

// timer is one armed deadline of one instance.
type timer struct {
	in    *instance
	id    vrrp.TimerID
	at    time.Time     // the machine's deadline (Action.At)
	early time.Duration // wake this much before at and stay awake (prewake)
	idx   int           // position in the heap, -1 when not armed
}

type timerHeap []*timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.idx = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.idx = -1
	return t
}

// timers is the daemon's timer service.
type timers struct {
	h timerHeap
	// prewake says how long before its deadline a timer should wake the
	// loop (0: at the deadline).
	prewake func(id vrrp.TimerID, after time.Duration) time.Duration
}

// arm (re)starts the instance's timer id for deadline at.
func (ts *timers) arm(in *instance, id vrrp.TimerID, at time.Time, now time.Time) {
	t := &in.tm[id]
	t.in, t.id, t.at = in, id, at
	t.early = 0
	if ts.prewake != nil {
		t.early = ts.prewake(id, at.Sub(now))
	}
	if t.idx >= 0 && t.idx < len(ts.h) && ts.h[t.idx] == t {
		heap.Fix(&ts.h, t.idx)
		return
	}
	heap.Push(&ts.h, t)
}

func (ts *timers) stop(in *instance, id vrrp.TimerID) {
	t := &in.tm[id]
	if t.idx >= 0 && t.idx < len(ts.h) && ts.h[t.idx] == t {
		heap.Remove(&ts.h, t.idx)
	}
	t.idx = -1
}

func (ts *timers) stopAll(in *instance) {
	for id := range numTimers {
		ts.stop(in, vrrp.TimerID(id))
	}
}

func (ts *timers) peek() *timer {
	if len(ts.h) == 0 {
		return nil
	}
	return ts.h[0]
}

// next is when the loop must wake: the earliest deadline, less its
// prewake (zero: no timer armed).
func (ts *timers) next() time.Time {
	t := ts.peek()
	if t == nil {
		return time.Time{}
	}
	return t.at.Add(-t.early)
}

func (ts *timers) armed() int { return len(ts.h) }

// The master-down timer decides how long clients lose the VIP when a
// master dies. Waking this process from a timerfd after seconds idle cost
// 140–700 µs here (the backup sits idle for 3.6 s at VRRPv2 defaults), more
// than keepalived's single epoll thread pays. So that timer wakes the loop
// prewakeMargin early, and the loop stays awake for the rest, serving
// events as they come, and fires on the deadline itself. The spin costs at
// most prewakeMargin of CPU, and only when a master is really declared
// dead: while adverts arrive, the timer is re-armed before it wakes.
const prewakeMargin = 2 * time.Millisecond

// prewakeFor is how early the timer id should wake the loop. Other timers
// (adverts, GARP refresh) recur every interval, and spinning before each
// would cost CPU all the time for no client-visible gain. On a single CPU
// the spinning loop could keep the packet reader from running, and an
// advert arriving in the last stretch must still cancel the takeover.
func prewakeFor(id vrrp.TimerID, after time.Duration) time.Duration {
	if id != vrrp.TimerMasterDown || runtime.GOMAXPROCS(0) < 2 {
		return 0
	}
	return max(0, min(prewakeMargin, after/4))
}

// fireDue fires every timer whose deadline has come, earliest first. A
// timer inside its prewake window keeps the loop spinning: events that
// come meanwhile are handled (an advert may re-arm the timer), and the
// timer fires on its deadline.
func (d *Daemon) fireDue() {
	for {
		t := d.timers.peek()
		if t == nil {
			return
		}
		now := d.now()
		if now.Before(t.at) {
			if now.Before(t.at.Add(-t.early)) {
				return
			}
			select {
			case ev := <-d.events:
				d.handle(ev)
			default:
			}
			continue
		}
		heap.Pop(&d.timers.h)
		if t.in.stopped {
			continue
		}
		d.feed(t.in, now, vrrp.TimerFired(t.id))
	}
}
