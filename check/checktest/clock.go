package checktest

import (
	"sort"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/check"
)

// Clock is a manual clock: time moves only in Advance, and timers due by
// then fire (each in its own goroutine, as time.AfterFunc does).
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	pending []*timer
}

type timer struct {
	c  *Clock
	at time.Time
	f  func()
}

// NewClock returns a clock set to a fixed instant.
func NewClock() *Clock {
	c := &Clock{now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	return c
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc registers f to run when the clock has advanced by d.
func (c *Clock) AfterFunc(d time.Duration, f func()) check.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{c: c, at: c.now.Add(d), f: f}
	c.pending = append(c.pending, t)
	return t
}

// Stop cancels the timer if it has not fired.
func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	for i, p := range t.c.pending {
		if p == t {
			t.c.pending = append(t.c.pending[:i], t.c.pending[i+1:]...)
			return true
		}
	}
	return false
}

// Advance moves the clock forward by d, firing due timers in time order.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	sort.SliceStable(c.pending, func(i, j int) bool { return c.pending[i].at.Before(c.pending[j].at) })
	var due []*timer
	keep := c.pending[:0]
	for _, t := range c.pending {
		if !t.at.After(c.now) {
			due = append(due, t)
		} else {
			keep = append(keep, t)
		}
	}
	c.pending = keep
	c.mu.Unlock()
	for _, t := range due {
		go t.f()
	}
}

// WaitPending waits (up to 5 s of real time) until exactly n timers are
// pending, which is how a test knows every fired callback has re-armed
// before it advances again. It reports whether that happened.
func (c *Clock) WaitPending(n int) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		got := len(c.pending)
		c.mu.Unlock()
		if got == n {
			return true
		}
		time.Sleep(200 * time.Microsecond)
	}
	return false
}

// NextIn reports how far ahead the earliest pending timer is.
func (c *Clock) NextIn() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return 0, false
	}
	min := c.pending[0].at
	for _, t := range c.pending[1:] {
		if t.at.Before(min) {
			min = t.at
		}
	}
	return min.Sub(c.now), true
}
