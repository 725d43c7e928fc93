package checkproc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/checkwire"
)

// HelperName is the helper's file name.
const HelperName = "govrrpd-check"

// Options configure a Client; the zero value is usable.
type Options struct {
	Log *slog.Logger
	// Helper is --check-helper: the helper to run; "" searches as
	// helperbin.Find does, at each start.
	Helper string
	// Backoff is the first wait before a helper that died or did not
	// start is started again (default 1 s); it doubles up to MaxBackoff.
	Backoff time.Duration
	// Linger is how long the helper outlives its last checker (default
	// 2 s), so that a reload that rebuilds the checkers keeps it.
	Linger time.Duration
	// Grace is how long after an attempt's deadline its answer may come
	// (default 500 ms): the helper times the attempt out at the same
	// deadline, then answers.
	Grace time.Duration
}

const (
	defaultBackoff = time.Second
	defaultLinger  = 2 * time.Second
	defaultGrace   = 500 * time.Millisecond
	// MaxBackoff bounds the wait between starts of a failing helper.
	MaxBackoff = 30 * time.Second
	// healthy is how long a helper must have run for the next restart
	// to wait only the first backoff again.
	healthy = time.Minute
	// stopWait is how long a helper may take to exit once its input is
	// closed: its attempts under way end by their deadlines.
	stopWait = 5 * time.Second
)

// Client runs the helper for the daemon's HTTP_GET and SSL_GET checkers.
type Client struct {
	opts Options
	log  *slog.Logger

	mu      sync.Mutex        // guards the fields below
	specs   map[uint32][]byte // each live checker's Add payload
	names   map[uint32]string // each live checker's name, for the log
	next    uint32
	ch      *child        // the running helper; nil while it is down
	up      chan struct{} // closed when ch is set; a new one when it is cleared
	running bool          // supervise is running
	poke    chan struct{}
	// failed is closed when a start of the helper failed (a new one
	// follows): NewProber stops waiting for the helper then.
	failed chan struct{}
	// added holds NewProber's waits for the helper's word on a checker.
	added map[uint32]chan string
}

// New returns a Client that starts nothing until its first checker.
func New(o Options) *Client {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Backoff <= 0 {
		o.Backoff = defaultBackoff
	}
	if o.Linger <= 0 {
		o.Linger = defaultLinger
	}
	if o.Grace <= 0 {
		o.Grace = defaultGrace
	}
	return &Client{opts: o, log: o.Log.With("subsystem", "check-helper"), specs: map[uint32][]byte{},
		names: map[uint32]string{}, poke: make(chan struct{}, 1), up: make(chan struct{}),
		failed: make(chan struct{}), added: map[uint32]chan string{}}
}

// NewProber builds an HTTP_GET or SSL_GET prober that runs in the helper
// (check.SetHTTP): it validates c, sends its settings to the helper, and
// starts the helper if it is not running.
func (c *Client) NewProber(ck check.Checker) (check.Prober, error) {
	if _, err := check.PlanHTTP(ck); err != nil {
		return nil, err
	}
	id, word, up, failed, err := c.add(ck)
	if err != nil {
		return nil, err
	}
	refused := c.verdict(word, up, failed)
	c.mu.Lock()
	delete(c.added, id)
	c.mu.Unlock()
	if refused != "" {
		c.drop(id)
		return nil, fmt.Errorf("refused by the govrrpd-check helper: %s", refused)
	}
	return &prober{c: c, id: id, spare: make(chan chan check.Outcome, 1)}, nil
}

// add registers checker ck, sends it to the helper if one runs and starts
// one if none does: its id, where the helper's word on it arrives, and
// the helper's start and failure signals as they are now.
func (c *Client) add(ck check.Checker) (id uint32, word chan string, up, failed <-chan struct{}, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next++
	id = c.next
	spec, err := checkwire.AppendAdd(nil, id, checkwire.SpecOf(ck))
	if err != nil {
		return 0, nil, nil, nil, err
	}
	c.specs[id], c.names[id] = spec, fmt.Sprintf("%s at %s", ck.Kind, ck.Source)
	word = make(chan string, 1)
	c.added[id] = word
	if c.ch != nil {
		_ = c.ch.w.Send(checkwire.Add, spec) // a helper going away is supervise's to handle
	}
	if !c.running {
		c.running = true
		go c.supervise()
	}
	c.wake()
	return id, word, c.up, c.failed, nil
}

// addedWait bounds NewProber's wait for the helper: its start, then its
// word on the checker.
const addedWait = 5 * time.Second

// verdict waits for the helper's word on a new checker: why it refuses it
// (a certificate or key it cannot parse, a wrong password), as building
// the prober in process did, or "" once it accepted it. A helper that
// cannot be started or does not answer accepts: the checker waits for
// it with no verdict, as its attempts do.
func (c *Client) verdict(word <-chan string, up, failed <-chan struct{}) string {
	t := time.NewTimer(addedWait)
	defer t.Stop()
	select {
	case why := <-word:
		return why
	case <-up:
	case <-failed:
		return ""
	case <-t.C:
		return ""
	}
	select {
	case why := <-word:
		return why
	case <-t.C:
		return ""
	}
}

func (c *Client) wake() {
	select {
	case c.poke <- struct{}{}:
	default:
	}
}

// current is the running helper, nil while it is down.
func (c *Client) current() *child {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ch
}

// setChild records the running helper (nil: none); the caller holds c.mu.
func (c *Client) setChild(ch *child) {
	if ch != nil && c.ch == nil {
		close(c.up)
	} else if ch == nil && c.ch != nil {
		c.up = make(chan struct{})
	}
	c.ch = ch
}

// await is the running helper, waiting for it until ctx ends while it
// is down (being started, or restarted after it died).
func (c *Client) await(ctx context.Context) *child {
	c.mu.Lock()
	ch, up := c.ch, c.up
	c.mu.Unlock()
	if ch != nil {
		return ch
	}
	select {
	case <-up:
		return c.current()
	case <-ctx.Done():
		return nil
	}
}

// drop forgets checker id, in the helper too.
func (c *Client) drop(id uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.specs, id)
	delete(c.names, id)
	if c.ch != nil {
		_ = c.ch.w.Send(checkwire.Drop, checkwire.AppendDrop(nil, id))
	}
	c.wake()
}

// refused takes the helper's word on checker id: to NewProber while it
// waits for it; else (a helper restarted under a running checker) a
// refusal is logged, and the checker keeps its state.
func (c *Client) refused(id uint32, why string) {
	c.mu.Lock()
	name, word := c.names[id], c.added[id]
	delete(c.added, id)
	c.mu.Unlock()
	if word != nil {
		word <- why
		return
	}
	if why == "" {
		return
	}
	c.log.Error("checker refused by the helper; its real server keeps its state", "checker", name, "err", why)
}

type prober struct {
	c      *Client
	id     uint32
	closed atomic.Bool
	// spare holds a reply channel between attempts. The scheduler runs
	// one attempt of a checker at a time, so one channel serves them all
	// without an allocation each; concurrent attempts (one-off probes)
	// make their own. A channel is put back only after its result was
	// read: one abandoned by its attempt may still receive it.
	spare chan chan check.Outcome
}

// Probe is ProbeBy with ctx's deadline (5 s if it has none).
func (p *prober) Probe(ctx context.Context) check.Outcome {
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(5 * time.Second)
	}
	return p.ProbeBy(ctx, dl)
}

// ProbeBy sends one attempt to the helper and waits for its outcome. It
// arms no timer: the helper answers by deadline, and the helper's pending
// sweep answers for it once deadline and the grace after it have passed.
// A helper that is down, dies or does not answer gives no verdict.
func (p *prober) ProbeBy(ctx context.Context, deadline time.Time) check.Outcome {
	if p.closed.Load() {
		return check.NoVerdict("the checker is closed")
	}
	ch := p.c.current()
	if ch == nil {
		// Being started or restarted: wait for it until the deadline,
		// a timer on this rare path only.
		wctx, cancel := context.WithDeadline(ctx, deadline)
		ch = p.c.await(wctx)
		cancel()
		if ch == nil {
			return check.NoVerdict("the checker helper is not running")
		}
	}
	var reply chan check.Outcome
	select {
	case reply = <-p.spare:
	default:
		reply = make(chan check.Outcome, 1)
	}
	seq, ok := ch.expect(context.Background(), func(o check.Outcome) { reply <- o }, deadline.Add(p.c.opts.Grace))
	if !ok {
		return check.NoVerdict("the checker helper exited")
	}
	if err := ch.w.Send(checkwire.Probe, checkwire.AppendProbe(nil, checkwire.ProbeMsg{ID: p.id, Seq: seq, Deadline: deadline.UnixNano()})); err != nil {
		ch.forget(seq)
		return check.NoVerdict("attempt not sent to the checker helper: %v", err)
	}
	done := ctx.Done()
	for {
		select {
		case o := <-reply:
			select {
			case p.spare <- reply:
			default:
			}
			return o
		case <-ch.exited:
			return check.NoVerdict("the checker helper exited during the attempt")
		case <-done:
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				// Probe's ctx ends at the attempt's deadline: the helper's
				// answer, or the sweep's, comes within the grace.
				done = nil
				continue
			}
			ch.forget(seq)
			return check.NoVerdict("the attempt was cancelled")
		}
	}
}

// Begin is the scheduler's attempt (check.AsyncProber): it sends the
// attempt and returns; done gets the helper's outcome from the reader, or
// no verdict from the sweep (deadline and grace passed), from ctx's
// cancellation or from the helper's exit. No goroutine waits for it.
func (p *prober) Begin(ctx context.Context, deadline time.Time, done func(check.Outcome)) {
	if p.closed.Load() {
		done(check.NoVerdict("the checker is closed"))
		return
	}
	ch := p.c.current()
	if ch == nil {
		go func() { done(p.ProbeBy(ctx, deadline)) }() // waits for the helper's start
		return
	}
	seq, ok := ch.expect(ctx, done, deadline.Add(p.c.opts.Grace))
	if !ok {
		done(check.NoVerdict("the checker helper exited"))
		return
	}
	if err := ch.w.Send(checkwire.Probe, checkwire.AppendProbe(nil, checkwire.ProbeMsg{ID: p.id, Seq: seq, Deadline: deadline.UnixNano()})); err != nil {
		if pd, ok := ch.take(seq); ok {
			pd.done(check.NoVerdict("attempt not sent to the checker helper: %v", err))
		}
	}
}

// Close forgets the checker (the scheduler stopped or retired it); the
// helper stops once no checker is left.
func (p *prober) Close() error {
	if !p.closed.Swap(true) {
		p.c.drop(p.id)
	}
	return nil
}
