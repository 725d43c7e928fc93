package bfdsub

import (
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/bfd"
	"github.com/govrrpd/govrrpd/confparse"
)

// Change is a session coming Up or leaving Up, and whom it concerns.
type Change struct {
	Name              string
	Up                bool
	Diag              bfd.Diag
	ToVRRP, ToChecker bool
}

// Options configure a Subsystem.
type Options struct {
	Log *slog.Logger
	Net Net // default OSNet
	// OnChange is told every change, in order, on the subsystem's
	// goroutine; it must not block for long.
	OnChange func(Change)
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Status is one session as dumps and the API show it.
type Status struct {
	Name           string
	Neighbor       netip.Addr
	Inst           confparse.BFDInstance
	State, Remote  bfd.State
	Diag           bfd.Diag
	Local, RemoteD uint32
	TxInterval     time.Duration
	DetectTime     time.Duration
}

// Subsystem runs every BFD session on one goroutine.
type Subsystem struct {
	opts Options
	log  *slog.Logger

	ops  chan func()
	rx   chan Datagram
	done chan struct{}
	wg   sync.WaitGroup
	stop sync.Once

	// Owned by the loop.
	sessions  map[string]*sess
	byDiscr   map[uint32]*sess
	listeners [2]Listener // IPv4, IPv6
	timer     *time.Timer
	rng       *rand.Rand
	quiet     bool // stopping: changes are no longer reported

	mu   sync.Mutex
	snap []Status
}

type sess struct {
	inst   confparse.BFDInstance
	s      *bfd.Session
	tx     Sender
	timers [2]time.Time
	up     bool
	txErr  bool // the last open or send failed (logged once)
}

// New returns a subsystem that does nothing until Start.
func New(opts Options) *Subsystem {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Net == nil {
		opts.Net = OSNet{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Subsystem{opts: opts, log: opts.Log}
}

// Start opens the sockets and starts every session; with no bfd_instance
// it opens nothing until a reload brings one.
func (s *Subsystem) Start(insts []confparse.BFDInstance) {
	s.ops, s.rx, s.done = make(chan func(), 16), make(chan Datagram, 256), make(chan struct{})
	s.sessions, s.byDiscr = map[string]*sess{}, map[uint32]*sess{}
	s.timer = time.NewTimer(time.Hour)
	s.rng = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed))
	s.wg.Add(1)
	go s.loop()
	s.Reload(insts)
}

// Reload applies a new list: a session whose name, neighbour and source
// stay keeps its state and takes the new timers (a Poll Sequence if Up);
// any other is taken administratively down and replaced.
func (s *Subsystem) Reload(insts []confparse.BFDInstance) {
	s.call(func() { s.apply(insts) })
}

// Stop takes every session administratively down (the neighbours hear
// AdminDown) and closes the sockets.
func (s *Subsystem) Stop() {
	if s.ops == nil {
		return
	}
	s.stop.Do(func() {
		var ls [2]Listener
		// The sessions' AdminDown is for the neighbours: the daemon is
		// stopping and must not act on it (with -I the IPVS table stays
		// as it was).
		s.call(func() { s.quiet = true; s.apply(nil); ls = s.listeners })
		close(s.done)
		for _, l := range ls {
			if l != nil {
				l.Close()
			}
		}
		s.wg.Wait()
	})
}

// Snapshot returns every session's state, by name.
func (s *Subsystem) Snapshot() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.snap)
}

// call runs f on the loop and waits for it.
func (s *Subsystem) call(f func()) {
	ch := make(chan struct{})
	select {
	case s.ops <- func() { f(); close(ch) }:
		<-ch
	case <-s.done:
	}
}

// loop runs until Stop, which takes the sessions down first: a cancelled
// daemon context alone must not silence them without AdminDown.
func (s *Subsystem) loop() {
	defer s.wg.Done()
	for {
		s.rearm()
		select {
		case f := <-s.ops:
			f()
		case d := <-s.rx:
			s.receive(d)
		case <-s.timer.C:
			s.fireDue()
		case <-s.done:
			return
		}
	}
}

// rearm points the one timer at the earliest deadline of any session.
func (s *Subsystem) rearm() {
	var next time.Time
	for _, ss := range s.sessions {
		for _, t := range ss.timers {
			if !t.IsZero() && (next.IsZero() || t.Before(next)) {
				next = t
			}
		}
	}
	d := time.Hour
	if !next.IsZero() {
		d = max(next.Sub(s.opts.Now()), 0)
	}
	s.timer.Reset(d)
}

func (s *Subsystem) fireDue() {
	now := s.opts.Now()
	for _, ss := range s.sorted() {
		for t, at := range ss.timers {
			if !at.IsZero() && !at.After(now) {
				ss.timers[t] = time.Time{}
				s.act(ss, now, ss.s.Fire(now, bfd.TimerID(t)))
			}
		}
	}
	s.publish()
}

// sorted is the sessions in name order, so that ties fire the same way
// on every run.
func (s *Subsystem) sorted() []*sess {
	out := make([]*sess, 0, len(s.sessions))
	for _, n := range slices.Sorted(mapsKeys(s.sessions)) {
		out = append(out, s.sessions[n])
	}
	return out
}
