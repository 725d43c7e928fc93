package daemon

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bfd"
	"github.com/govrrpd/govrrpd/vrrp"
)

func TestPrewakeFor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	cases := []struct {
		id    vrrp.TimerID
		after time.Duration
		want  time.Duration
	}{
		{vrrp.TimerMasterDown, 3609 * time.Millisecond, prewakeMargin},
		{vrrp.TimerMasterDown, 4 * time.Millisecond, time.Millisecond}, // a quarter of a short timer
		{vrrp.TimerMasterDown, -time.Millisecond, 0},                   // already due
		{vrrp.TimerAdvert, time.Second, 0},
		{vrrp.TimerGARPRefresh, time.Minute, 0},
	}
	for _, c := range cases {
		if got := prewakeFor(c.id, c.after); got != c.want {
			t.Errorf("prewakeFor(%v, %v) = %v, want %v", c.id, c.after, got, c.want)
		}
	}
	runtime.GOMAXPROCS(1)
	if got := prewakeFor(vrrp.TimerMasterDown, time.Second); got != prewakeMargin {
		t.Errorf("one processor: prewake %v, want %v (catchUp reads what the reader could not)", got, prewakeMargin)
	}
}

func newTimerInstance() *instance { return &instance{} }

// The heap orders deadlines across instances; re-arming moves a timer,
// stopping removes it, and an instance holds at most one of each id.
func TestTimerHeap(t *testing.T) {
	var ts timers
	a, b := newTimerInstance(), newTimerInstance()
	at := func(ms int) time.Time { return epoch.Add(time.Duration(ms) * time.Millisecond) }
	ts.arm(a, vrrp.TimerMasterDown, at(300), epoch)
	ts.arm(b, vrrp.TimerAdvert, at(100), epoch)
	ts.arm(a, vrrp.TimerAdvert, at(200), epoch)
	if got := ts.peek(); got.in != b || got.id != vrrp.TimerAdvert {
		t.Fatalf("earliest: %+v", got)
	}
	ts.arm(b, vrrp.TimerAdvert, at(400), epoch) // re-armed later: no duplicate
	if ts.armed() != 3 {
		t.Fatalf("%d armed, want 3", ts.armed())
	}
	if got := ts.peek(); got.in != a || got.id != vrrp.TimerAdvert {
		t.Fatalf("after re-arm, earliest: %v of %p", got.id, got.in)
	}
	ts.stop(a, vrrp.TimerAdvert)
	ts.stop(a, vrrp.TimerAdvert) // twice: harmless
	if got := ts.peek(); got.in != a || got.id != vrrp.TimerMasterDown || !ts.next().Equal(at(300)) {
		t.Fatalf("after stop: %v, next %v", got.id, ts.next())
	}
	ts.stopAll(a)
	ts.stopAll(b)
	if ts.armed() != 0 || !ts.next().IsZero() {
		t.Fatalf("after stopAll: %d armed, next %v", ts.armed(), ts.next())
	}
}

// next wakes a master-down timer its prewake early, other timers on time.
func TestTimerNextHonoursPrewake(t *testing.T) {
	ts := timers{prewake: func(id vrrp.TimerID, after time.Duration) time.Duration {
		if id == vrrp.TimerMasterDown {
			return 2 * time.Millisecond
		}
		return 0
	}}
	in := newTimerInstance()
	dl := epoch.Add(time.Second)
	ts.arm(in, vrrp.TimerMasterDown, dl, epoch)
	if got := ts.next(); !got.Equal(dl.Add(-2 * time.Millisecond)) {
		t.Errorf("master-down wakes at %v, want 2 ms before %v", got, dl)
	}
	ts.stop(in, vrrp.TimerMasterDown)
	ts.arm(in, vrrp.TimerAdvert, dl, epoch)
	if got := ts.next(); !got.Equal(dl) {
		t.Errorf("advert wakes at %v, want %v", got, dl)
	}
}

// Inside the prewake window the loop serves queued events (an advert may
// re-arm the timer) and fires only on the deadline.
func TestFireDueSpinsToDeadline(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	h.d.timers.prewake = prewakeFor
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	in := h.d.insts[0]
	dl := h.deadline(in, vrrp.TimerMasterDown)
	h.d.timers.arm(in, vrrp.TimerMasterDown, dl, epoch) // now with its prewake
	// The clock reaches the window's start, then the deadline after the
	// loop has looked at it a few times.
	calls := 0
	h.clock = dl.Add(-time.Millisecond)
	h.d.now = func() time.Time {
		calls++
		if calls > 5 {
			return dl
		}
		return dl.Add(-time.Millisecond)
	}
	h.d.fireDue()
	if calls <= 5 {
		t.Fatalf("fired after %d clock reads: did not stay awake to the deadline", calls)
	}
	if in.m.State() != vrrp.StateMaster {
		t.Fatalf("state %v after the deadline, want MASTER", in.m.State())
	}
}

// A timer due while packets are queued fires before the next packet is
// handled: the loop checks the heap before it takes any event.
func TestTimersNeverQueueBehindPackets(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	in := h.d.insts[0]
	h.advance(4 * time.Second) // MASTER: an advert is due every second
	sent := in.stats.advertSent
	s := h.d.socks[sockKey{"eth0", 4}]
	for range 1000 {
		h.d.events <- evPacket{sock: s, at: h.clock, data: []byte{0x21}, rx: vrrp.RxFacts{}}
	}
	h.clock = h.deadline(in, vrrp.TimerAdvert)
	h.d.fireDue() // what the loop does before taking the first packet
	if in.stats.advertSent != sent+1 {
		t.Fatalf("advert not sent ahead of 1000 queued packets (%d sent, want %d)", in.stats.advertSent, sent+1)
	}
	if len(h.d.events) != 1000 {
		t.Fatalf("queue: %d", len(h.d.events))
	}
}

// A due master-down timer waits for the packets queued before it was
// checked: the master's advert among them keeps the backup a backup.
func TestMasterDownSeesQueuedAdverts(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	in := h.d.insts[0]
	b := peerAdvert(t, in)
	dl := h.deadline(in, vrrp.TimerMasterDown)
	// The advert arrived just before the deadline but is still queued,
	// behind junk, when the loop finds the timer due.
	s := h.d.socks[sockKey{"eth0", 4}]
	for range 100 {
		h.d.events <- evPacket{sock: s, at: dl, data: []byte{0x21}}
	}
	h.d.events <- evPacket{sock: s, at: dl.Add(-time.Millisecond), data: b, rx: vrrp.RxFacts{Src: mustAddr("192.0.2.2"),
		Dst: vrrp.Group(vrrp.IPv4), TTL: 255, TotalLen: len(b), RxLen: len(b)}}
	h.clock = dl.Add(time.Millisecond)
	h.d.fireDue()
	if in.m.State() != vrrp.StateBackup {
		t.Fatalf("state %v: took over from a master whose advert was queued", in.m.State())
	}
	if len(h.d.events) != 0 {
		t.Errorf("%d events left queued", len(h.d.events))
	}
	// With nothing queued, the expiry fires on its deadline.
	h.clock = h.deadline(in, vrrp.TimerMasterDown)
	h.d.fireDue()
	if in.m.State() != vrrp.StateMaster {
		t.Fatalf("state %v at the re-armed deadline, want MASTER", in.m.State())
	}
}

// A due master-down timer also reads what the kernel holds for the
// instance's socket: a process that gets the CPU back after both the
// deadline and the master's advert finds the advert not yet taken by the
// reader, and it must still keep the backup a backup.
func TestMasterDownSeesAdvertsInKernel(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	in := h.d.insts[0]
	b := peerAdvert(t, in)
	dl := h.deadline(in, vrrp.TimerMasterDown)
	ft := h.d.socks[sockKey{"eth0", 4}].t.(*fakeTransport)
	ft.kernel = []rxPacket{{payload: b, src: mustAddr("192.0.2.2"), dst: vrrp.Group(vrrp.IPv4), ttl: 255,
		at: dl.Add(-time.Millisecond)}}
	h.clock = dl.Add(10 * time.Millisecond)
	h.d.fireDue()
	if in.m.State() != vrrp.StateBackup {
		t.Fatalf("state %v: took over from a master whose advert was in the socket", in.m.State())
	}
	if logs := strings.Join(h.sys.log.lines, "\n"); !strings.Contains(logs, "poll eth0 1") {
		t.Errorf("the socket was not polled:\n%s", logs)
	}
	// Nothing left in the socket: the re-armed expiry fires on its deadline.
	h.clock = h.deadline(in, vrrp.TimerMasterDown)
	h.d.fireDue()
	if in.m.State() != vrrp.StateMaster {
		t.Fatalf("state %v at the re-armed deadline, want MASTER", in.m.State())
	}
}

// peerAdvert is the advert a master at 192.0.2.2 with priority 200 sends
// for in's router.
func peerAdvert(t *testing.T, in *instance) []byte {
	t.Helper()
	var a vrrp.Advert
	if err := in.adv.fill(&a, 1, 200, vipsOf(in)); err != nil {
		t.Fatal(err)
	}
	b, err := a.AppendTo(nil, mustAddr("192.0.2.2"), vrrp.Group(vrrp.IPv4), vrrp.ChecksumDefault)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A master has only its advert timer armed: the master-down timer it left
// and the GARP-delay timer that fired are off the heap, which holds one
// timer a master (issue #12: nothing is kept per timer that is not armed).
func TestTimersReleased(t *testing.T) {
	h := mastersAlone(t, 1, 4)
	for _, in := range h.d.insts {
		if in.m.State() != vrrp.StateMaster {
			t.Fatalf("%s is %s after 10 s alone, want MASTER", in.cfg.Name, in.m.State())
		}
		for id := range numTimers {
			if _, armed := h.d.timers.deadline(in, vrrp.TimerID(id)); armed != (vrrp.TimerID(id) == vrrp.TimerAdvert) {
				t.Errorf("%s: %s timer armed %v, want %v", in.cfg.Name, vrrp.TimerID(id), armed, !armed)
			}
		}
	}
	if n := h.d.timers.armed(); n != len(h.d.insts) {
		t.Errorf("%d timers on the heap for %d masters, want one each", n, len(h.d.insts))
	}
}

// The heap keeps its order and every owner's record of where its timers
// are through any mix of arms, re-arms, stops and pops, and pops timers
// in deadline order.
func TestTimerHeapPositions(t *testing.T) {
	var ts timers
	ins := make([]instance, 5)
	var bfds []*bfdTimer
	for range 3 {
		bfds = append(bfds, bfdTimers{&ts}.NewTimer(bfd.TimerTx, func(time.Time) {}).(*bfdTimer))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	at := func() time.Time { return epoch.Add(time.Duration(rng.IntN(1000)) * time.Millisecond) }
	check := func(step int) {
		t.Helper()
		for i := range ts.h {
			if p := (i - 1) / 2; i > 0 && ts.h.less(i, p) {
				t.Fatalf("step %d: timer %d is before its parent", step, i)
			}
			e := &ts.h[i]
			if (e.in != nil && e.in.tix[e.id] != int32(i+1)) || (e.bfd != nil && e.bfd.ix != int32(i+1)) {
				t.Fatalf("step %d: the owner of timer %d has lost it", step, i)
			}
		}
		n := 0
		for i := range ins {
			for _, ix := range ins[i].tix {
				if ix > 0 {
					n++
				}
			}
		}
		for _, b := range bfds {
			if b.ix > 0 {
				n++
			}
		}
		if n != len(ts.h) {
			t.Fatalf("step %d: owners count %d timers armed, the heap holds %d", step, n, len(ts.h))
		}
	}
	for step := range 3000 {
		switch in, id := &ins[rng.IntN(len(ins))], vrrp.TimerID(rng.IntN(numTimers)); rng.IntN(5) {
		case 0, 1:
			ts.arm(in, id, at(), epoch)
		case 2:
			ts.stop(in, id)
		case 3:
			if b := bfds[rng.IntN(len(bfds))]; rng.IntN(2) == 0 {
				b.Arm(at())
			} else {
				b.Stop()
			}
		case 4:
			if len(ts.h) > 0 {
				first := ts.h[0].at
				if got := ts.pop(); !got.at.Equal(first) {
					t.Fatalf("step %d: popped %v, the earliest was %v", step, got.at, first)
				}
			}
		}
		check(step)
	}
	var last time.Time
	for len(ts.h) > 0 {
		if got := ts.pop(); got.at.Before(last) {
			t.Fatalf("popped %v after %v", got.at, last)
		} else {
			last = got.at
		}
	}
	check(-1)
}

// The heap's array follows the timers armed down as well as up: after the
// first election's peak it holds at most a third more than the timers
// still armed.
func TestTimerHeapShrinks(t *testing.T) {
	var ts timers
	ins := make([]instance, 3000)
	for i := range ins {
		for j, id := range []vrrp.TimerID{vrrp.TimerMasterDown, vrrp.TimerGARPDelay, vrrp.TimerGARPRefresh} {
			ts.arm(&ins[i], id, epoch.Add(time.Duration(i*3+j)*time.Millisecond), epoch)
		}
	}
	peak := cap(ts.h)
	for i := range ins {
		ts.stop(&ins[i], vrrp.TimerMasterDown)
		ts.stop(&ins[i], vrrp.TimerGARPDelay)
	}
	if n, c := len(ts.h), cap(ts.h); n != len(ins) || 3*c > 4*n || c >= peak {
		t.Fatalf("%d timers armed in an array of %d (%d at the peak), want at most a third more", n, c, peak)
	}
	for i := range ins {
		if at, ok := ts.deadline(&ins[i], vrrp.TimerGARPRefresh); !ok || !at.Equal(epoch.Add(time.Duration(i*3+2)*time.Millisecond)) {
			t.Fatalf("instance %d: GARP refresh timer at %v (armed %v) after the shrink", i, at, ok)
		}
	}
}
