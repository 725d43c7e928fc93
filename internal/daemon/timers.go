package daemon

import (
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

// timer is one armed deadline on the heap, of an instance (in) or of a
// BFD session (bfd). The heap holds timers as values and each owner
// remembers its timers' positions (instance.tix, bfdTimer.ix): no
// allocation per timer, and 48 bytes per armed timer where a timer object
// per id and a pointer to it cost 72, with the seven pointers of every
// instance besides (issue #12: thousands of instances). BFD ids follow
// vrrp's (timerBFDTx, timerBFDDetect), so that an id alone says how a
// timer may be fired early or delayed.
type timer struct {
	at    time.Time // the machine's deadline (Action.At)
	in    *instance
	bfd   *bfdTimer
	early int32 // wake this many ns before at and stay awake (prewake)
	id    vrrp.TimerID
}

// timerHeap orders the armed timers by deadline. Its sift-up and
// sift-down are container/heap's, step for step, so that timers due at the
// same instant fire in the order they always did (the executor goldens),
// without boxing a timer into an interface on every push.
type timerHeap []timer

func (h timerHeap) less(i, j int) bool { return h[i].at.Before(h[j].at) }

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h.place(i)
	h.place(j)
}

// place tells the owner of the timer at i where it now is.
func (h timerHeap) place(i int) {
	if t := &h[i]; t.in != nil {
		t.in.tix[t.id] = int32(i + 1)
	} else {
		t.bfd.ix = int32(i + 1)
	}
}

// unplace tells the owner of t that it is no longer armed.
func unplace(t *timer) {
	if t.in != nil {
		t.in.tix[t.id] = 0
	} else {
		t.bfd.ix = 0
	}
}

func (h timerHeap) up(j int) {
	for {
		i := (j - 1) / 2 // parent
		if i == j || !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

func (h timerHeap) down(i0, n int) bool {
	i := i0
	for {
		j1 := 2*i + 1
		if j1 >= n || j1 < 0 { // j1 < 0 after int overflow
			break
		}
		j := j1 // left child
		if j2 := j1 + 1; j2 < n && h.less(j2, j1) {
			j = j2 // = 2*i + 2  // right child
		}
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}

// fix restores the order after the timer at i changed its deadline.
func (h timerHeap) fix(i int) {
	if !h.down(i, len(h)) {
		h.up(i)
	}
}

// timers is the daemon's timer service.
type timers struct {
	h timerHeap
	// prewake says how long before its deadline a timer should wake the
	// loop (0: at the deadline).
	prewake func(id vrrp.TimerID, after time.Duration) time.Duration
	// epoch is where the advert grid starts (gather): the first advert
	// deadline armed.
	epoch time.Time
	// passes counts fireDue's calls, the loop's timer passes.
	passes uint64
}

// arm (re)starts the instance's timer id for deadline at.
func (ts *timers) arm(in *instance, id vrrp.TimerID, at time.Time, now time.Time) {
	var early time.Duration
	if id == vrrp.TimerAdvert {
		at = ts.gather(at)
	}
	if ts.prewake != nil {
		early = ts.prewake(id, at.Sub(now))
	}
	if ix := in.tix[id]; ix > 0 {
		t := &ts.h[ix-1]
		t.at, t.early = at, int32(early)
		ts.h.fix(int(ix - 1))
		return
	}
	ts.push(timer{at: at, in: in, id: id, early: int32(early)})
}

// push puts t on the heap.
func (ts *timers) push(t timer) {
	ts.h = append(ts.h, t)
	n := len(ts.h) - 1
	ts.h.place(n)
	ts.h.up(n)
}

// pop takes the earliest timer off the heap.
func (ts *timers) pop() timer {
	n := len(ts.h) - 1
	ts.h.swap(0, n)
	ts.h.down(0, n)
	return ts.removeLast()
}

// removeAt takes the timer at position ix-1 off the heap, as
// container/heap's Remove.
func (ts *timers) removeAt(ix int32) {
	i, n := int(ix-1), len(ts.h)-1
	if n != i {
		ts.h.swap(i, n)
		if !ts.h.down(i, n) {
			ts.h.up(i)
		}
	}
	ts.removeLast()
}

func (ts *timers) removeLast() timer {
	n := len(ts.h) - 1
	t := ts.h[n]
	ts.h[n] = timer{} // the heap's spare capacity keeps no instance alive
	ts.h = ts.h[:n]
	unplace(&t)
	ts.shrink()
	return t
}

// minHeapCap is the heap array's capacity shrink leaves alone.
const minHeapCap = 256

// shrink gives the heap's array back once it is less than three quarters
// full, to an eighth over what it holds: the first election arms up to
// three timers an instance (master-down, then advert and GARP delay) for a
// few seconds, one afterwards, and the array of the peak held 0.7 MB at
// 4,080 instances (issue #12). Between a shrink and the next the timers
// must fall by a sixth, and append grows the array by a quarter, so a
// count that moves a little copies nothing. The copy keeps every
// position, so the owners' records stay right.
func (ts *timers) shrink() {
	if c, n := cap(ts.h), len(ts.h); c > minHeapCap && n < c*3/4 {
		ts.h = append(make(timerHeap, 0, max(n+n/8, minHeapCap)), ts.h...)
	}
}

func (ts *timers) stop(in *instance, id vrrp.TimerID) {
	if ix := in.tix[id]; ix > 0 {
		ts.removeAt(ix)
	}
}

// deadline is when in's timer id fires; false if it is not armed.
func (ts *timers) deadline(in *instance, id vrrp.TimerID) (time.Time, bool) {
	if ix := in.tix[id]; ix > 0 {
		return ts.h[ix-1].at, true
	}
	return time.Time{}, false
}

func (ts *timers) stopAll(in *instance) {
	for id := range numTimers {
		ts.stop(in, vrrp.TimerID(id))
	}
}

// peek is the earliest timer, valid until the heap next changes.
func (ts *timers) peek() *timer {
	if len(ts.h) == 0 {
		return nil
	}
	return &ts.h[0]
}

// next is when the loop must wake: the earliest deadline, less its
// prewake (zero: no timer armed).
func (ts *timers) next() time.Time {
	t := ts.peek()
	if t == nil {
		return time.Time{}
	}
	return t.at.Add(-time.Duration(t.early))
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
// would cost CPU all the time for no client-visible gain. On one
// processor (procs.go) the spinning loop keeps the packet reader from
// running: an advert arriving in the last stretch waits in its socket,
// where catchUp reads it before the timer fires.
func prewakeFor(id vrrp.TimerID, after time.Duration) time.Duration {
	if id != vrrp.TimerMasterDown {
		return 0
	}
	return max(0, min(prewakeMargin, after/4))
}

// coalesceSlack lets a wake-up fire, with the timer that woke it, the
// periodic timers due within this much after: thousands of instances
// started together have deadlines microseconds apart, and one wake-up for
// several of them saves a timerfd round trip each. Such a timer acts as
// at its deadline (the machine schedules the next one from there), so
// the advert schedule does not drift; it only leaves up to this much
// early.
const coalesceSlack = 500 * time.Microsecond

// Adverts gather on a grid. Thousands of masters that took over one after
// another (280 µs apart at 4,080 instances) have advert deadlines spread
// over the whole second: fired on their own deadlines, even with the
// slack above, they woke the loop ~1,400 times a second (1,379 passes in
// TestScaleAdvertsGather) for two or three adverts each, every wake-up a
// timerfd read, two goroutine hand-offs and a sendmmsg. So an advert deadline off the grid (advertGrid steps from
// the first one armed) is put off by at most gatherStep towards the next
// grid point, and a late advert timer fires as at its deadline (fireAs):
// the machine schedules the next advert from there, so within
// advertGrid/gatherStep adverts every master advertises on a grid point,
// and the loop wakes at most once a grid step. An advert thus leaves at
// most gatherStep late, and only while it gathers; every advert interval
// keepalived accepts is a multiple of the grid (centiseconds in VRRPv3,
// seconds in VRRPv2), so a gathered one stays put. Master-down, handover
// and BFD detection timers are never moved.
const (
	advertGrid = 10 * time.Millisecond
	gatherStep = 500 * time.Microsecond
)

// gather puts an advert deadline off towards the grid, by gatherStep at
// most.
func (ts *timers) gather(at time.Time) time.Time {
	if ts.epoch.IsZero() {
		ts.epoch = at
		return at
	}
	off := at.Sub(ts.epoch) % advertGrid
	if off < 0 {
		off += advertGrid
	}
	if off == 0 {
		return at
	}
	return at.Add(min(advertGrid-off, gatherStep))
}

// fireAs is the time timer t fires as when the loop reaches it at now: a
// coalescable timer due within coalesceSlack as at its deadline; an
// advert timer the loop reaches late by less than a grid step as at its
// deadline too, so that the wake-up's latency does not take its next
// advert off the grid (later than that, the loop was stalled, and the
// next advert is scheduled from now rather than sent in a catch-up burst).
func fireAs(t *timer, now time.Time) time.Time {
	if now.Before(t.at) {
		if coalescable(t.id) && !now.Before(t.at.Add(-coalesceSlack)) {
			return t.at // fired with its neighbours, on its own deadline's behalf
		}
		return now
	}
	if t.id == vrrp.TimerAdvert && now.Sub(t.at) < advertGrid {
		return t.at
	}
	return now
}

// coalescable: adverts, GARP refreshes and BFD transmissions may go a
// little early; a master-down, handover or BFD detection expiry never may.
func coalescable(id vrrp.TimerID) bool {
	return id != vrrp.TimerMasterDown && id != vrrp.TimerHandover && id != timerBFDDetect
}

// fireDue fires every timer whose deadline has come, earliest first. A
// timer inside its prewake window keeps the loop spinning: events that
// come meanwhile are handled (an advert may re-arm the timer), and the
// timer fires on its deadline.
//
// A master-down timer is the one exception to "timers first": the
// packets already queued arrived before its deadline was checked, and one
// of them may be the master's advert that re-arms it. Under a backlog
// (thousands of instances, a loaded machine) firing first would make a
// backup take over from a live master. So a due master-down timer first
// lets the loop handle the events queued at that moment, and the packets
// still in the instance's socket (a process that gets the CPU back late
// finds the deadline and the advert both passed, the advert not yet read),
// once per call: a flood delays a takeover by one queue's handling at
// most. A BFD detection timer waits the same way for the BFD packets
// queued before it: a loaded loop must not declare a live neighbour down.
//
// A call that runs long (thousands of master-down timers due together,
// each takeover a netlink round trip) looks at the queue again before a
// later master-down timer once redrainAfter has passed since it last
// looked: two routers started together work through their takeovers side
// by side, and the higher priority's adverts queued meanwhile must stop
// the lower's takeover of the same instance (issue #12: the backup took
// over 3,700 of 4,080 instances during start-up and gave them back).
// Each timer is drained for at most once, so a flood cannot hold it.
func (d *Daemon) fireDue() {
	defer d.flushSends()
	d.timers.passes++
	var dr drainMark
	for {
		t := d.timers.peek()
		if t == nil {
			return
		}
		now := fireAs(t, d.now())
		if now.Before(t.at) {
			if now.Before(t.at.Add(-time.Duration(t.early))) {
				return
			}
			d.flushSends()
			select {
			case ev := <-d.events:
				d.handle(ev)
			default:
			}
			continue
		}
		if (t.id == vrrp.TimerMasterDown || t.id == timerBFDDetect) && dr.due(t, now) {
			if d.catchUp(t.in) {
				continue
			}
		}
		ft := d.timers.pop()
		if ft.bfd != nil {
			d.flushSends() // what it causes leaves after the adverts queued before
			ft.bfd.fire(now)
			continue
		}
		if ft.in.stopped {
			continue
		}
		d.feedTimer(ft.in, ft.id, now)
	}
}

// catchUp handles the events queued for the loop, then the packets the
// kernel holds for in's socket, before in's master-down timer may fire
// (in is nil for a BFD detection timer: its packets come as events); it
// reports whether there were any.
func (d *Daemon) catchUp(in *instance) bool {
	n := len(d.events)
	var polled []rxPacket
	if in != nil && in.sock != nil {
		polled = in.sock.t.Poll()
	}
	if n == 0 && len(polled) == 0 {
		// The reader may hold an advert it has taken from the socket but
		// not queued yet (back from recvmmsg, waiting for a P): let it run.
		runtime.Gosched()
		if n = len(d.events); n == 0 {
			return false
		}
	}
	d.flushSends()
	for range n {
		d.handle(<-d.events)
	}
	// A Poll takes a few packets. On one processor the reader did not run
	// while the loop spun before this timer, so the socket may hold more:
	// read on, up to a delivery's worth (a flood must not hold the timer).
	for got := 0; len(polled) > 0; polled = in.sock.t.Poll() {
		for i := range polled {
			d.receive(polled[i].at, in.sock.packet(&polled[i]))
		}
		if got += len(polled); got >= maxCatchUp {
			break
		}
	}
	return true
}

// maxCatchUp bounds the packets catchUp reads from an instance's socket.
const maxCatchUp = 128
