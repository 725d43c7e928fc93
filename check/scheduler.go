package check

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a Scheduler; the zero value is usable.
type Options struct {
	Clock Clock // default RealClock
	// MaxConcurrent bounds the probes in flight (default 512), so a large
	// farm cannot exhaust file descriptors or CPU in one burst. It is also
	// the number of worker goroutines running the attempts.
	MaxConcurrent int
	// Jitter returns a random delay in [0, max]; it spreads first runs over
	// warmup. Default: uniform random.
	Jitter func(max time.Duration) time.Duration
	// NewProber builds the prober of a checker; default New.
	NewProber func(Checker) (Prober, error)
	Logger    *slog.Logger
	// Observe, if set, is told every attempt's outcome and duration (the
	// metrics' latency histogram). It runs on the checker's goroutine and
	// must not block.
	Observe func(kind Kind, up bool, took time.Duration)
}

// Scheduler runs every checker on its own timer and turns their state
// changes into per-real-server Results. A due timer only queues its
// checker; a fixed pool of long-lived workers runs the attempts, so an
// attempt does not pay for a fresh goroutine whose stack must grow again
// through the dial path, and the pool's size is the concurrency cap.
type Scheduler struct {
	opts    Options
	sink    Sink
	queue   chan *run // due attempts; room for every run, so a timer never blocks
	runs    []*run
	loop    tcpRunner // the TCP_CHECKs, when the clock is real and the OS has the loop (see tcpLoop)
	targets map[Target]*targetState

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup // armed timers, queued and in-flight attempts
	workers sync.WaitGroup

	mu      sync.Mutex // guards stopped and every run's timer
	stopped bool

	stats Stats
}

// Stats counts the scheduler's work; Late counts attempts that began more
// than a tenth of their checker's delay_loop after they were due.
type Stats struct {
	Attempts, Failures, Late atomic.Int64
	MaxLateness              atomic.Int64 // nanoseconds
}

// tcpRunner runs TCP_CHECKs on one goroutine: tcpLoop where the OS has
// epoll, otherwise nothing (haveTCPLoop is false and the workers run them).
type tcpRunner interface {
	add(r *run)
	run(ctx context.Context)
	close()
}

type run struct {
	c      Checker
	name   string
	prober Prober
	m      *machine
	ts     *targetState
	due    time.Time
	timer  Timer
	fire   func() // queues this run; built once so arming allocates no closure
	last   Outcome
	// lastAt and latency are when the latest attempt ended and how long
	// it took (status output); guarded by ts.mu like last.
	lastAt  time.Time
	latency time.Duration
	// ups and fails count attempts by outcome since start, fixed arrays
	// so that counting allocates nothing; guarded by ts.mu.
	ups    uint64
	fails  [numFailures]uint64
	inLoop bool // run by s.loop rather than by timers and workers
	async  bool // an AsyncProber's: begun by its timer, finished by its done
	idx    int  // place in Scheduler.runs
	// retired: its real server left the configuration (Adopt); it is
	// never armed or attempted again.
	retired atomic.Bool
}

// NewScheduler builds probers for every checker; a checker that cannot be
// built is an error, because a checker silently not running would keep a
// dead server in the pool.
func NewScheduler(checkers []Checker, sink Sink, opts Options) (*Scheduler, error) {
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = 512
	}
	if opts.Jitter == nil {
		opts.Jitter = func(max time.Duration) time.Duration {
			if max <= 0 {
				return 0
			}
			return rand.N(max + 1)
		}
	}
	if opts.NewProber == nil {
		opts.NewProber = New
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Scheduler{opts: opts, sink: sink, queue: make(chan *run, max(len(checkers), 1)),
		targets: map[Target]*targetState{}}
	for _, c := range checkers {
		p, err := opts.NewProber(c)
		if err != nil {
			for _, r := range s.runs {
				closeProber(r.prober)
			}
			return nil, fmt.Errorf("%s at %s for %s: %w", c.Kind, c.Source, c.Target.Real, err)
		}
		ts := s.targets[c.Target]
		if ts == nil {
			ts = &targetState{target: c.Target}
			s.targets[c.Target] = ts
		}
		r := &run{c: c, name: fmt.Sprintf("%s at %s", c.Kind, c.Source), prober: p, m: newMachine(c), ts: ts, idx: len(s.runs)}
		r.fire = func() { s.queue <- r }
		if ap, ok := p.(AsyncProber); ok {
			r.async = true
			r.fire = func() { s.begin(r, ap) }
		}
		if _, tcp := p.(tcpProber); tcp {
			if _, real := opts.Clock.(RealClock); real && haveTCPLoop {
				r.inLoop = true
			}
		}
		if r.inLoop && s.loop == nil {
			l, err := newTCPLoop(s)
			if err != nil {
				return nil, fmt.Errorf("TCP_CHECK loop: %w", err)
			}
			s.loop = l
		}
		ts.runs = append(ts.runs, r)
		s.runs = append(s.runs, r)
	}
	return s, nil
}

// Start starts the workers and arms every checker's first run at a random
// point in [0, warmup].
func (s *Scheduler) Start(ctx context.Context) {
	s.ctx, s.cancel = context.WithCancel(ctx)
	generic := 0
	for _, r := range s.runs {
		if !r.inLoop && !r.async && r.c.Kind != BFD {
			generic++
		}
	}
	n := min(s.opts.MaxConcurrent, generic)
	s.workers.Add(n)
	for range n {
		go s.work()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Clock.Now()
	for _, r := range s.runs {
		if r.c.Kind == BFD {
			continue // decided by its session (Scheduler.BFD)
		}
		if r.inLoop {
			r.due = now.Add(s.opts.Jitter(r.c.Warmup))
			s.loop.add(r)
			continue
		}
		s.arm(r, s.opts.Jitter(r.c.Warmup))
	}
	if s.loop != nil {
		s.wg.Add(1)
		go s.loop.run(s.ctx)
	}
}

// arm schedules r after d; the caller holds s.mu.
func (s *Scheduler) arm(r *run, d time.Duration) {
	if s.stopped || r.retired.Load() {
		return
	}
	r.due = s.opts.Clock.Now().Add(d)
	s.wg.Add(1)
	r.timer = s.opts.Clock.AfterFunc(d, r.fire)
}

// Stop cancels every timer and waits for in-flight probes and reports,
// then for the workers to exit.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	for _, r := range s.runs {
		if r.timer != nil && r.timer.Stop() {
			s.wg.Done()
		}
	}
	s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	} else if s.loop != nil {
		s.loop.close() // never started: only its descriptors to release
	}
	s.wg.Wait()
	close(s.queue) // nothing is armed or queued any more: workers drain and exit
	s.workers.Wait()
	for _, r := range s.runs {
		if !r.retired.Load() {
			closeProber(r.prober)
		}
	}
}

// closeProber releases what a prober holds beyond its attempts (a
// checker registered with the govrrpd-check helper).
func closeProber(p Prober) {
	if c, ok := p.(io.Closer); ok {
		_ = c.Close()
	}
}

// Stats returns the live counters.
func (s *Scheduler) Stats() *Stats { return &s.stats }

func (s *Scheduler) work() {
	defer s.workers.Done()
	for r := range s.queue {
		s.attempt(r)
	}
}

func (s *Scheduler) attempt(r *run) {
	if s.ctx.Err() != nil || r.retired.Load() {
		s.wg.Done()
		return
	}
	start := s.opts.Clock.Now()
	s.noteLateness(r, start)
	s.finish(r, s.probe(r), start)
}

// begin starts an AsyncProber's attempt on its timer's goroutine; its done
// finishes it.
func (s *Scheduler) begin(r *run, ap AsyncProber) {
	if s.ctx.Err() != nil || r.retired.Load() {
		s.wg.Done()
		return
	}
	start := s.opts.Clock.Now()
	s.noteLateness(r, start)
	ap.Begin(s.ctx, time.Now().Add(probeTimeout(r.c)), func(out Outcome) { s.finish(r, out, start) })
}

// finish records an attempt's outcome and arms the checker's next one; it
// ends the attempt's share of s.wg.
func (s *Scheduler) finish(r *run, out Outcome, start time.Time) {
	defer s.wg.Done()
	if s.ctx.Err() != nil {
		return
	}
	if out.NoVerdict {
		s.opts.Logger.Debug("checker attempt without a verdict", "checker", r.name, "reason", out.Reason)
		s.mu.Lock()
		s.arm(r, r.c.DelayLoop)
		s.mu.Unlock()
		return
	}
	if s.opts.Observe != nil {
		s.opts.Observe(r.c.Kind, out.Up, s.opts.Clock.Now().Sub(start))
	}
	s.stats.Attempts.Add(1)
	if !out.Up {
		s.stats.Failures.Add(1)
	}
	next := s.record(r, out, start, s.opts.Clock.Now())
	s.mu.Lock()
	s.arm(r, next)
	s.mu.Unlock()
}

// probe runs one attempt bounded by probeTimeout. The deadline is real
// time even under a fake Clock: it bounds socket and process waits.
func (s *Scheduler) probe(r *run) Outcome {
	timeout := probeTimeout(r.c)
	if dp, ok := r.prober.(deadlineProber); ok {
		return dp.probeBy(s.ctx, time.Now().Add(timeout))
	}
	if dp, ok := r.prober.(DeadlineProber); ok {
		return dp.ProbeBy(s.ctx, time.Now().Add(timeout))
	}
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	return r.prober.Probe(ctx)
}

// noteLateness counts an attempt that starts at now; the TCP_CHECK loop
// passes its own clock reading (a system call where there is no vDSO).
func (s *Scheduler) noteLateness(r *run, now time.Time) {
	late := now.Sub(r.due)
	if late > r.c.DelayLoop/10 {
		s.stats.Late.Add(1)
	}
	for {
		cur := s.stats.MaxLateness.Load()
		if int64(late) <= cur || s.stats.MaxLateness.CompareAndSwap(cur, int64(late)) {
			return
		}
	}
}

// probeTimeout bounds one attempt: connect_timeout for network checkers,
// misc_timeout (default delay_loop) for scripts, and a backstop for the rest.
func probeTimeout(c Checker) time.Duration {
	switch {
	case c.Kind == Misc && c.Misc() != nil && c.Misc().Timeout > 0:
		return c.Misc().Timeout
	case c.Kind == Misc && c.DelayLoop > 0:
		return c.DelayLoop
	case c.ConnectTimeout > 0:
		return c.ConnectTimeout
	}
	return 5 * time.Second
}
