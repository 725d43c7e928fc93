package checkproc

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/checkwire"
)

// hangEnv makes the test binary, started as the helper, a helper that says
// hello, accepts every checker and answers no attempt: a hung helper.
const hangEnv = "CHECKPROC_TEST_HANG"

// hangHelper is the hung helper's body; it never returns.
func hangHelper() {
	in, out := os.NewFile(3, "in"), os.NewFile(4, "out")
	w := checkwire.NewWriter(out)
	if w.Send(checkwire.Hello, checkwire.AppendHello(nil, checkwire.Version)) != nil {
		os.Exit(2)
	}
	r := checkwire.NewReader(in)
	for {
		typ, p, err := r.Next()
		if err != nil {
			os.Exit(0)
		}
		if typ == checkwire.Add {
			id, _, _ := checkwire.ParseAdd(p)
			_ = w.Send(checkwire.Added, checkwire.AppendAdded(nil, id, ""))
		}
	}
}

// An attempt the helper never answers ends with no verdict once its
// deadline and the grace have passed (the sweep, with no timer of the
// attempt's own), and leaves nothing pending; a cancelled one ends at once.
func TestHungHelperIsNoVerdict(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(hangEnv, "1")
	cl, _ := newClient(t, Options{Helper: self, Grace: 20 * time.Millisecond})
	p, err := cl.NewProber(checker(t, check.HTTP, closedAddr(t), nil, check.URL{Path: "/"}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.(*prober).Close()
	dp := p.(check.DeadlineProber)
	waitFor(t, "the helper", func() bool { return cl.current() != nil })
	for _, tc := range []struct {
		name   string
		ctx    func() (context.Context, context.CancelFunc)
		reason string
	}{
		{"no answer", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }, "did not answer"},
		{"Probe's deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 30*time.Millisecond)
		}, "did not answer"},
		{"cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, "cancelled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			o := dp.ProbeBy(ctx, time.Now().Add(30*time.Millisecond))
			if !o.NoVerdict || o.Up || !strings.Contains(o.Reason, tc.reason) {
				t.Fatalf("outcome %+v, want no verdict (%s)", o, tc.reason)
			}
			ch := cl.current()
			ch.mu.Lock()
			n := len(ch.pending)
			ch.mu.Unlock()
			if n != 0 {
				t.Errorf("%d attempts still pending", n)
			}
		})
	}
}

// expire answers exactly the attempts whose time is up, once each.
func TestExpire(t *testing.T) {
	now := time.Unix(1000, 0)
	for _, tc := range []struct {
		name     string
		expires  []time.Duration // relative to now
		answered []bool
	}{
		{"none", nil, nil},
		{"past and future", []time.Duration{-time.Second, time.Second}, []bool{true, false}},
		{"at now", []time.Duration{0}, []bool{true}},
		{"all future", []time.Duration{time.Millisecond, time.Hour}, []bool{false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &child{pending: map[uint64]pending{}, watched: map[context.Context]func() bool{}}
			replies := make([]chan check.Outcome, len(tc.expires))
			for i, d := range tc.expires {
				reply := make(chan check.Outcome, 1)
				replies[i] = reply
				if _, ok := c.expect(context.Background(), func(o check.Outcome) { reply <- o }, now.Add(d)); !ok {
					t.Fatal("expect refused")
				}
			}
			c.expire(now)
			c.expire(now) // a second sweep answers nothing twice
			left := 0
			for i, want := range tc.answered {
				got := len(replies[i]) == 1
				if got != want {
					t.Errorf("attempt %d answered %v, want %v", i, got, want)
				}
				if got {
					if o := <-replies[i]; !o.NoVerdict {
						t.Errorf("attempt %d: %+v, want no verdict", i, o)
					}
				} else {
					left++
				}
			}
			if len(c.pending) != left {
				t.Errorf("%d pending, want %d", len(c.pending), left)
			}
		})
	}
}

var _ io.Closer = (*prober)(nil)

// The scheduler's attempts through a hung helper end with no verdict (the
// sweep) and count nothing; Stop with an attempt pending long before its
// deadline returns at once: the scheduler's cancellation answers it.
func TestSchedulerWithHungHelper(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(hangEnv, "1")
	for _, tc := range []struct {
		name    string
		timeout time.Duration // connect_timeout: the attempt's deadline
		grace   time.Duration
		swept   bool // attempts end by the sweep before Stop
	}{
		{"swept", 20 * time.Millisecond, 20 * time.Millisecond, true},
		{"stopped while pending", time.Hour, time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl, _ := newClient(t, Options{Helper: self, Grace: tc.grace})
			c := checker(t, check.HTTP, closedAddr(t), nil, check.URL{Path: "/"})
			c.ConnectTimeout = tc.timeout
			lb := &logBuf{}
			log := slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
			sched, err := check.NewScheduler([]check.Checker{c}, check.SinkFunc(func(check.Result) {}),
				check.Options{NewProber: cl.NewProber, Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			sched.Start(context.Background())
			if tc.swept {
				waitFor(t, "attempts without a verdict", func() bool {
					return strings.Count(lb.String(), "did not answer by the deadline") >= 3
				})
			} else {
				waitFor(t, "an attempt pending in the helper", func() bool {
					ch := cl.current()
					if ch == nil {
						return false
					}
					ch.mu.Lock()
					defer ch.mu.Unlock()
					return len(ch.pending) == 1
				})
			}
			stopped := make(chan struct{})
			go func() { sched.Stop(); close(stopped) }()
			select {
			case <-stopped:
			case <-time.After(10 * time.Second):
				t.Fatal("Stop waits for an attempt the helper will not answer")
			}
			if n := sched.Stats().Attempts.Load(); n != 0 {
				t.Errorf("%d attempts counted, want none", n)
			}
		})
	}
}
