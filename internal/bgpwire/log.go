package bgpwire

import (
	"context"
	"log/slog"
	"slices"
)

// Record is one log record of the helper. Values travel as their text, which
// is how the daemon's text and journal handlers print them anyway.
type Record struct {
	Level slog.Level `json:"level"`
	Msg   string     `json:"msg"`
	Attrs []Attr     `json:"attrs,omitempty"`
}

// Attr is one key and value of a Record.
type Attr struct {
	K string `json:"k"`
	V string `json:"v"`
}

// Handler is the helper's slog handler: every record it lets through
// becomes a Record for send, so the helper's messages appear in govrrpd's
// log as govrrpd's own.
type Handler struct {
	send  func(Record)
	level slog.Leveler
	attrs []Attr
	group string
}

// NewHandler returns a Handler that hands send the records at level and
// above.
func NewHandler(send func(Record), level slog.Leveler) *Handler {
	return &Handler{send: send, level: level}
}

func (h *Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	rec := Record{Level: r.Level, Msg: r.Message, Attrs: slices.Clip(h.attrs)}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs = flatten(rec.Attrs, h.group, a)
		return true
	})
	h.send(rec)
	return nil
}

func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = slices.Clip(h.attrs)
	for _, a := range as {
		c.attrs = flatten(c.attrs, h.group, a)
	}
	return &c
}

func (h *Handler) WithGroup(name string) slog.Handler {
	c := *h
	c.group = h.group + name + "."
	return &c
}

// flatten appends a, groups spelled out as dotted keys the way slog's text
// handler prints them.
func flatten(out []Attr, prefix string, a slog.Attr) []Attr {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range v.Group() {
			out = flatten(out, p, g)
		}
		return out
	}
	if a.Key == "" {
		return out
	}
	return append(out, Attr{K: prefix + a.Key, V: v.String()})
}

// Relog logs a helper's record through log, the daemon's logger.
func Relog(log *slog.Logger, r Record) {
	ctx := context.Background()
	if !log.Enabled(ctx, r.Level) {
		return
	}
	args := make([]any, 0, 2*len(r.Attrs))
	for _, a := range r.Attrs {
		args = append(args, a.K, a.V)
	}
	log.Log(ctx, r.Level, r.Msg, args...)
}
