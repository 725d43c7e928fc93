package ratelog

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options tune a Handler; the zero value is usable.
type Options struct {
	// Interval is how often a summary is written for a key that keeps
	// occurring (default 10 s).
	Interval time.Duration
	// KeyAttrs name the attributes that, with the message, tell records
	// apart (default "reason" and "source"). They are looked up among the
	// record's attributes and those added with WithAttrs, outside groups.
	KeyAttrs []string
	// MaxKeys bounds the keys tracked at once (default 1024); records of
	// further keys share one "others" key until idle keys are forgotten.
	MaxKeys int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// OthersMsg is the message of the summary for records that found no room
// for a key of their own.
const OthersMsg = "log lines of other kinds held back (too many distinct kinds)"

// Handler rate-limits records per key: the first record of a key is
// passed on; later ones within the interval are counted, and the count is
// written as a summary line (the key's message and key attributes, plus
// "suppressed" and "interval") when the interval ends — by Flush, Run, or
// the key's next record. A key idle for a whole interval is forgotten, so
// its next record is a first occurrence again.
type Handler struct {
	next  slog.Handler
	attrs []slog.Attr // added with WithAttrs, outside any group
	group bool        // WithGroup was called: later attributes are not top-level
	st    *state
}

// state is shared by a Handler and every handler derived from it.
type state struct {
	opts Options
	mu   sync.Mutex
	keys map[string]*entry
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

// New wraps next.
func New(next slog.Handler, opts Options) *Handler {
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
	return &Handler{next: next, st: &state{opts: opts, keys: map[string]*entry{}}}
}

// Enabled reports whether the wrapped handler takes the level.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// WithAttrs returns a handler sharing this one's counts.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(as)
	if !h.group {
		c.attrs = append(slices.Clip(h.attrs), as...)
	}
	return &c
}

// WithGroup returns a handler sharing this one's counts.
func (h *Handler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	c.group = true
	return &c
}

// keyOf builds the record's key and collects its key attributes.
func (h *Handler) keyOf(r slog.Record) (string, []slog.Attr) {
	var found []slog.Attr
	look := func(a slog.Attr) {
		if slices.Contains(h.st.opts.KeyAttrs, a.Key) {
			found = append(found, a)
		}
	}
	for _, a := range h.attrs {
		look(a)
	}
	if !h.group {
		r.Attrs(func(a slog.Attr) bool { look(a); return true })
	}
	var b strings.Builder
	b.WriteString(r.Message)
	for _, a := range found {
		b.WriteByte(0)
		b.WriteString(a.Key)
		b.WriteByte('=')
		b.WriteString(a.Value.String())
	}
	return b.String(), found
}

// Handle passes a key's first record on and counts the rest.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	key, ka := h.keyOf(r)
	now := h.st.opts.Now()
	st := h.st
	st.mu.Lock()
	e, ok := st.keys[key]
	if !ok && len(st.keys) >= st.opts.MaxKeys {
		key, ka = OthersMsg, nil
		e, ok = st.keys[key]
	}
	switch {
	case ok && now.Sub(e.start) < st.opts.Interval:
		e.suppressed++
		st.mu.Unlock()
		return nil
	case ok && e.suppressed > 0:
		// The window ended while records kept coming: summarise it and
		// count this record in the next one.
		sum, to := e.summary(now, st.opts.Interval), e.next
		e.start, e.suppressed = now, 1
		st.mu.Unlock()
		return to.Handle(ctx, sum)
	}
	msg := r.Message
	if key == OthersMsg {
		msg = OthersMsg
	}
	st.keys[key] = &entry{start: now, level: r.Level, msg: msg, keyAttrs: ka, next: h.next}
	st.mu.Unlock()
	return h.next.Handle(ctx, r)
}

// summary is the line that reports a window's held-back records.
func (e *entry) summary(now time.Time, interval time.Duration) slog.Record {
	r := slog.NewRecord(now, e.level, e.msg, 0)
	r.AddAttrs(e.keyAttrs...)
	r.AddAttrs(slog.Int("suppressed", e.suppressed), slog.Duration("interval", interval))
	return r
}

// Flush writes the summary of every key whose interval has ended with
// records held back, and forgets keys that stayed idle for an interval.
func (h *Handler) Flush(ctx context.Context) {
	st := h.st
	now := st.opts.Now()
	type out struct {
		key string
		to  slog.Handler
		r   slog.Record
	}
	var outs []out
	st.mu.Lock()
	for k, e := range st.keys {
		if now.Sub(e.start) < st.opts.Interval {
			continue
		}
		if e.suppressed == 0 {
			delete(st.keys, k)
			continue
		}
		outs = append(outs, out{k, e.next, e.summary(now, st.opts.Interval)})
		e.start, e.suppressed = now, 0
	}
	st.mu.Unlock()
	slices.SortFunc(outs, func(a, b out) int { return strings.Compare(a.key, b.key) }) // stable output
	for _, o := range outs {
		_ = o.to.Handle(ctx, o.r)
	}
}

// Run flushes once per interval until ctx ends, so that a flood's last
// summary is written even if no record follows it.
func (h *Handler) Run(ctx context.Context) {
	t := time.NewTicker(h.st.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			h.Flush(context.Background())
			return
		case <-t.C:
			h.Flush(ctx)
		}
	}
}

// Keys is how many keys are tracked now (bounded by MaxKeys + 1).
func (h *Handler) Keys() int {
	h.st.mu.Lock()
	defer h.st.mu.Unlock()
	return len(h.st.keys)
}
