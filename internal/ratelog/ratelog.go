package ratelog

import (
	"context"
	"log/slog"
	"slices"
	"strings"
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
	st    *Counter[string]
}

// New wraps next.
func New(next slog.Handler, opts Options) *Handler {
	return &Handler{next: next, st: NewCounter[string](opts)}
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
	keyAttrs := h.st.opts.KeyAttrs
	look := func(a slog.Attr) {
		if slices.Contains(keyAttrs, a.Key) {
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
	if h.st.Held(key) {
		return nil
	}
	return h.st.Log(ctx, h.next, key, r, ka)
}

// Flush writes the summary of every key whose interval has ended with
// records held back, and forgets keys that stayed idle for an interval.
func (h *Handler) Flush(ctx context.Context) { h.st.Flush(ctx) }

// Run flushes once per interval until ctx ends, so that a flood's last
// summary is written even if no record follows it.
func (h *Handler) Run(ctx context.Context) { h.st.Run(ctx) }

// Keys is how many keys are tracked now (bounded by MaxKeys + 1).
func (h *Handler) Keys() int { return h.st.Keys() }
