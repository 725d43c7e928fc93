package bfdsub

import (
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bfd"
)

// testLoop stands in for the daemon's event loop and timer service: one
// goroutine runs every call, received datagram and due timer of one
// subsystem, as the daemon's loop does.
type testLoop struct {
	ops      chan func()
	done     chan struct{}
	stopping chan struct{} // Deliver gives up: Stop is running on the loop
	timers   []*loopTimer  // owned by the loop
}

type loopTimer struct {
	l    *testLoop
	at   time.Time // zero: not armed
	fire func(time.Time)
}

func (t *loopTimer) Arm(at time.Time) { t.at = at }
func (t *loopTimer) Stop()            { t.at = time.Time{} }

func (l *testLoop) NewTimer(_ bfd.TimerID, fire func(time.Time)) Timer {
	t := &loopTimer{l: l, fire: fire}
	l.timers = append(l.timers, t)
	return t
}

// newLoop starts a loop and a subsystem on it.
func newLoop(t *testing.T, opts Options) (*testLoop, *Subsystem) {
	t.Helper()
	l := &testLoop{ops: make(chan func(), 16), done: make(chan struct{}), stopping: make(chan struct{})}
	opts.Timers = l
	var s *Subsystem
	opts.Deliver = func(d Datagram) {
		select {
		case l.ops <- func() { s.Receive(d) }:
		case <-l.stopping:
		}
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	go l.run()
	return l, s
}

// call runs f on the loop and waits for it.
func (l *testLoop) call(f func()) {
	ch := make(chan struct{})
	l.ops <- func() { f(); close(ch) }
	<-ch
}

// stop runs s.Stop on the loop, then ends the loop.
func (l *testLoop) stop(s *Subsystem) {
	select {
	case <-l.done:
		return
	default:
	}
	close(l.stopping)
	l.call(s.Stop)
	close(l.done)
}

func (l *testLoop) run() {
	wake := time.NewTimer(time.Hour)
	defer wake.Stop()
	for {
		l.fireDue()
		wake.Reset(l.until())
		select {
		case f := <-l.ops:
			f()
		case <-wake.C:
		case <-l.done:
			return
		}
	}
}

func (l *testLoop) fireDue() {
	now := time.Now()
	for _, t := range l.timers {
		if !t.at.IsZero() && !t.at.After(now) {
			t.at = time.Time{}
			t.fire(now)
		}
	}
}

func (l *testLoop) until() time.Duration {
	var next time.Time
	for _, t := range l.timers {
		if !t.at.IsZero() && (next.IsZero() || t.at.Before(next)) {
			next = t.at
		}
	}
	if next.IsZero() {
		return time.Hour
	}
	return max(time.Until(next), 0)
}
