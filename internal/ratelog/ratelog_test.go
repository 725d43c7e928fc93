package ratelog

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// fakeClock is the injected clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// step is one thing that happens: a record (msg with reason and source),
// or a Flush when flush is set, at offset from the start.
type step struct {
	at     time.Duration
	flush  bool
	msg    string
	reason string
	source string
}

func rec(at time.Duration, msg, reason, source string) step {
	return step{at: at, msg: msg, reason: reason, source: source}
}

func flush(at time.Duration) step { return step{at: at, flush: true} }

// flood is n records of one kind spread evenly over [from, to).
func flood(n int, from, to time.Duration, msg, reason, source string) []step {
	out := make([]step, n)
	for i := range out {
		out[i] = rec(from+time.Duration(i)*(to-from)/time.Duration(n), msg, reason, source)
	}
	return out
}

func cat(parts ...[]step) []step {
	var out []step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// run plays steps through a handler over a text handler and returns the
// lines written, without times.
func run(t *testing.T, opts Options, steps []step) []string {
	t.Helper()
	var buf bytes.Buffer
	text := slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(g) == 0 {
			return slog.Attr{}
		}
		return a
	}})
	clk := &fakeClock{t: time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC)}
	start := clk.t
	opts.Now = clk.now
	h := New(text, opts)
	log := slog.New(h)
	for _, s := range steps {
		clk.t = start.Add(s.at)
		if s.flush {
			h.Flush(context.Background())
			continue
		}
		log.Info(s.msg, "reason", s.reason, "source", s.source, "len", 40)
	}
	out := strings.TrimSpace(buf.String())
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

func TestRateLimit(t *testing.T) {
	const sec = time.Second
	cases := []struct {
		name  string
		opts  Options
		steps []step
		want  []string
	}{
		{
			name:  "first occurrence passes with all its attributes",
			steps: []step{rec(0, "drop", "ttl", "192.0.2.3")},
			want:  []string{`level=INFO msg=drop reason=ttl source=192.0.2.3 len=40`},
		},
		{
			name:  "a flood is one line then one summary per interval",
			steps: cat(flood(1000, 0, 25*sec, "drop", "ttl", "192.0.2.3"), []step{flush(30 * sec)}),
			want: []string{
				`level=INFO msg=drop reason=ttl source=192.0.2.3 len=40`,
				`level=INFO msg=drop reason=ttl source=192.0.2.3 suppressed=399 interval=10s`,
				`level=INFO msg=drop reason=ttl source=192.0.2.3 suppressed=400 interval=10s`,
				`level=INFO msg=drop reason=ttl source=192.0.2.3 suppressed=200 interval=10s`,
			},
		},
		{
			name: "reasons and sources are counted apart",
			steps: []step{rec(0, "drop", "ttl", "192.0.2.3"), rec(1*sec, "drop", "ttl", "192.0.2.4"),
				rec(2*sec, "drop", "vrid", "192.0.2.3"), rec(3*sec, "drop", "ttl", "192.0.2.3"),
				rec(4*sec, "drop", "ttl", "192.0.2.4"), rec(5*sec, "drop", "ttl", "192.0.2.4"), flush(12 * sec)},
			want: []string{
				`level=INFO msg=drop reason=ttl source=192.0.2.3 len=40`,
				`level=INFO msg=drop reason=ttl source=192.0.2.4 len=40`,
				`level=INFO msg=drop reason=vrid source=192.0.2.3 len=40`,
				`level=INFO msg=drop reason=ttl source=192.0.2.3 suppressed=1 interval=10s`,
				`level=INFO msg=drop reason=ttl source=192.0.2.4 suppressed=2 interval=10s`,
			},
		},
		{
			name: "a quiet key is forgotten and logs again",
			steps: []step{rec(0, "drop", "ttl", "192.0.2.3"), flush(10 * sec), flush(20 * sec),
				rec(21*sec, "drop", "ttl", "192.0.2.3")},
			want: []string{
				`level=INFO msg=drop reason=ttl source=192.0.2.3 len=40`,
				`level=INFO msg=drop reason=ttl source=192.0.2.3 len=40`,
			},
		},
		{
			name:  "a shorter interval",
			opts:  Options{Interval: 2 * sec},
			steps: cat(flood(6, 0, 6*sec, "drop", "ttl", "192.0.2.3"), []step{flush(6 * sec)}),
			want: []string{
				`level=INFO msg=drop reason=ttl source=192.0.2.3 len=40`,
				`level=INFO msg=drop reason=ttl source=192.0.2.3 suppressed=1 interval=2s`,
				`level=INFO msg=drop reason=ttl source=192.0.2.3 suppressed=2 interval=2s`,
				`level=INFO msg=drop reason=ttl source=192.0.2.3 suppressed=2 interval=2s`,
			},
		},
		{
			name: "past MaxKeys, sources share the others key",
			opts: Options{MaxKeys: 2},
			steps: []step{rec(0, "drop", "ttl", "192.0.2.1"), rec(0, "drop", "ttl", "192.0.2.2"),
				rec(1*sec, "drop", "ttl", "192.0.2.3"), rec(1*sec, "drop", "ttl", "192.0.2.4"),
				rec(1*sec, "drop", "ttl", "192.0.2.5"), flush(11 * sec)},
			want: []string{
				`level=INFO msg=drop reason=ttl source=192.0.2.1 len=40`,
				`level=INFO msg=drop reason=ttl source=192.0.2.2 len=40`,
				`level=INFO msg=drop reason=ttl source=192.0.2.3 len=40`,
				`level=INFO msg="` + OthersMsg + `" suppressed=2 interval=10s`,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, tc.opts, tc.steps)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestBoundedMemory: a flood from 100,000 sources keeps at most MaxKeys+1
// keys, and keys are forgotten once idle.
func TestBoundedMemory(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	var n int
	h := New(countHandler{&n}, Options{MaxKeys: 100, Now: clk.now})
	log := slog.New(h)
	for i := range 100000 {
		log.Info("drop", "reason", "ttl", "source", fmt.Sprintf("198.51.%d.%d", i/256%256, i%256))
	}
	if h.Keys() > 101 {
		t.Errorf("%d keys, want at most 101", h.Keys())
	}
	if n != 101 {
		t.Errorf("%d lines, want 101 (100 first occurrences and the others key's)", n)
	}
	clk.t = clk.t.Add(10 * time.Second)
	h.Flush(context.Background())
	clk.t = clk.t.Add(10 * time.Second)
	h.Flush(context.Background())
	if h.Keys() != 0 {
		t.Errorf("%d keys after two idle intervals, want 0", h.Keys())
	}
}

// TestWithAttrsShareCounts: a source given with With counts as a key
// attribute, and derived loggers share one count.
func TestWithAttrsShareCounts(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	var n int
	h := New(countHandler{&n}, Options{Now: clk.now})
	a := slog.New(h).With("source", "192.0.2.3")
	b := slog.New(h).With("source", "192.0.2.3")
	c := slog.New(h).With("source", "192.0.2.4")
	for range 10 {
		a.Info("drop", "reason", "ttl")
		b.Info("drop", "reason", "ttl")
		c.Info("drop", "reason", "ttl")
	}
	if n != 2 || h.Keys() != 2 {
		t.Errorf("%d lines, %d keys; want 2 and 2", n, h.Keys())
	}
}

type countHandler struct{ n *int }

func (c countHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (c countHandler) Handle(context.Context, slog.Record) error { *c.n++; return nil }
func (c countHandler) WithAttrs([]slog.Attr) slog.Handler        { return c }
func (c countHandler) WithGroup(string) slog.Handler             { return c }

// TestCounterTypedKeys: a caller keyed on plain values gets Handler's
// lines — the first, then the window's count — and a held-back record
// costs no allocation.
func TestCounterTypedKeys(t *testing.T) {
	type kind struct {
		reason string
		n      int
	}
	clk := &fakeClock{t: time.Unix(0, 0)}
	var n int
	c := NewCounter[kind](Options{Now: clk.now})
	out := countHandler{&n}
	logged := func(k kind) bool {
		if c.Held(k) {
			return false
		}
		_ = c.Log(context.Background(), out, k, slog.NewRecord(clk.t, slog.LevelInfo, "drop", 0), nil)
		return true
	}
	if !logged(kind{"ttl", 1}) || logged(kind{"ttl", 1}) || !logged(kind{"ttl", 2}) {
		t.Fatal("want the first record of each kind logged and the repeat held back")
	}
	if a := testing.AllocsPerRun(100, func() { c.Held(kind{"ttl", 1}) }); a != 0 {
		t.Errorf("%v allocations per held-back record, want 0", a)
	}
	clk.t = clk.t.Add(10 * time.Second)
	if !logged(kind{"ttl", 1}) || n != 3 {
		t.Errorf("after the window: %d lines, want the two firsts and one summary", n)
	}
	c.Flush(context.Background())
	if n != 3 || c.Keys() != 1 {
		t.Errorf("flush: %d lines, %d keys; want 3 (nothing more held) and 1 (the idle kind forgotten)", n, c.Keys())
	}
}
