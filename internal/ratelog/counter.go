package ratelog

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Counter keeps Handler's windows for any comparable key. A caller that
// can name a record's kind with a few plain values (a reason, a source
// address, an instance) asks Held first and builds a record only when it
// is not held back: under a flood, the repeats then cost one map lookup
// and no allocation, where a record through Handler costs its key string,
// its attribute slice and the logger's own work (6 µs and 14 allocations
// per dropped packet with -D, issue #16's junk flood).
type Counter[K comparable] struct {
	opts   Options
	mu     sync.Mutex
	keys   map[K]*entry
	others *entry // kinds that found no room (MaxKeys)
}

// entry is one key's window.
type entry struct {
	start      time.Time
	suppressed int
	level      slog.Level
	msg        string
	keyAttrs   []slog.Attr
	next       slog.Handler // the handler its first record went to
}

// NewCounter makes a Counter; opts.KeyAttrs is not used.
func NewCounter[K comparable](opts Options) *Counter[K] {
	if opts.Interval <= 0 {
		opts.Interval = 10 * time.Second
	}
	if opts.KeyAttrs == nil {
		opts.KeyAttrs = []string{"reason", "source"}
	}
	if opts.MaxKeys <= 0 {
		opts.MaxKeys = 1024
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Counter[K]{opts: opts, keys: map[K]*entry{}}
}

// find is k's window, or the others' when k has none and there is no
// room for it (with other set); the caller holds mu.
func (c *Counter[K]) find(k K) (e *entry, other bool) {
	if e, ok := c.keys[k]; ok {
		return e, false
	}
	if len(c.keys) >= c.opts.MaxKeys {
		return c.others, true
	}
	return nil, false
}

// Held counts a record of kind k and reports true when it is held back
// (k's window is open). On false the caller hands the record to Log.
func (c *Counter[K]) Held(k K) bool {
	now := c.opts.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, _ := c.find(k)
	if e != nil && now.Sub(e.start) < c.opts.Interval {
		e.suppressed++
		return true
	}
	return false
}

// Log writes r, a record of kind k that Held did not hold back, to next:
// as the first of a new window, or — when k's window ended with records
// held back — as the summary of that window, r counted in the next one.
// keyAttrs are the attributes the summary repeats.
func (c *Counter[K]) Log(ctx context.Context, next slog.Handler, k K, r slog.Record, keyAttrs []slog.Attr) error {
	now := c.opts.Now()
	c.mu.Lock()
	e, other := c.find(k)
	switch {
	case e != nil && now.Sub(e.start) < c.opts.Interval:
		e.suppressed++ // another record opened the window since Held
		c.mu.Unlock()
		return nil
	case e != nil && e.suppressed > 0:
		sum, to := e.summary(now, c.opts.Interval), e.next
		e.start, e.suppressed = now, 1
		c.mu.Unlock()
		return to.Handle(ctx, sum)
	}
	ne := &entry{start: now, level: r.Level, msg: r.Message, keyAttrs: keyAttrs, next: next}
	if other {
		ne.msg, ne.keyAttrs = OthersMsg, nil
		c.others = ne
	} else {
		c.keys[k] = ne
	}
	c.mu.Unlock()
	return next.Handle(ctx, r)
}

// summary is the line that reports a window's held-back records.
func (e *entry) summary(now time.Time, interval time.Duration) slog.Record {
	r := slog.NewRecord(now, e.level, e.msg, 0)
	r.AddAttrs(e.keyAttrs...)
	r.AddAttrs(slog.Int("suppressed", e.suppressed), slog.Duration("interval", interval))
	return r
}

// due reports whether e's window has ended, and whether e is to be
// forgotten (idle for a whole interval) or summarised (then restarted).
func (e *entry) due(now time.Time, interval time.Duration) (ended, forget bool) {
	if now.Sub(e.start) < interval {
		return false, false
	}
	return true, e.suppressed == 0
}

// Flush writes the summary of every key whose interval has ended with
// records held back, and forgets keys that stayed idle for an interval.
func (c *Counter[K]) Flush(ctx context.Context) {
	now := c.opts.Now()
	type out struct {
		key string
		to  slog.Handler
		r   slog.Record
	}
	var outs []out
	take := func(key string, e *entry) {
		outs = append(outs, out{key, e.next, e.summary(now, c.opts.Interval)})
		e.start, e.suppressed = now, 0
	}
	c.mu.Lock()
	for k, e := range c.keys {
		switch ended, forget := e.due(now, c.opts.Interval); {
		case forget:
			delete(c.keys, k)
		case ended:
			take(fmt.Sprint(k), e)
		}
	}
	if c.others != nil {
		switch ended, forget := c.others.due(now, c.opts.Interval); {
		case forget:
			c.others = nil
		case ended:
			take(OthersMsg, c.others)
		}
	}
	c.mu.Unlock()
	slices.SortFunc(outs, func(a, b out) int { return strings.Compare(a.key, b.key) }) // stable output
	for _, o := range outs {
		_ = o.to.Handle(ctx, o.r)
	}
}

// Run flushes once per interval until ctx ends, so that a flood's last
// summary is written even if no record follows it.
func (c *Counter[K]) Run(ctx context.Context) {
	t := time.NewTicker(c.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			c.Flush(context.Background())
			return
		case <-t.C:
			c.Flush(ctx)
		}
	}
}

// Keys is how many keys are tracked now (bounded by MaxKeys + 1).
func (c *Counter[K]) Keys() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.keys)
	if c.others != nil {
		n++
	}
	return n
}
