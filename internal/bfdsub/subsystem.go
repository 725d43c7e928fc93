package bfdsub

import (
	"errors"
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
	// Timers arms the sessions' timers on the owner's timer service
	// (required).
	Timers Timers
	// Deliver hands a received datagram to the owner's loop, which calls
	// Receive with it (required). It runs on a reader goroutine and may
	// block while the loop is busy, but must return once the owner stops
	// taking events: Stop waits for the readers.
	Deliver func(Datagram)
	// OnChange is told every change, in order, on the owner's loop.
	OnChange func(Change)
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Live is what changes of a session while it runs.
type Live struct {
	State, Remote  bfd.State
	Diag           bfd.Diag
	Local, RemoteD uint32
	TxInterval     time.Duration
	DetectTime     time.Duration
}

// Status is one session as dumps and the API show it.
type Status struct {
	Name     string
	Neighbor netip.Addr
	Inst     confparse.BFDInstance
	Live
}

// Subsystem runs every BFD session on its owner's event loop: Start,
// Reload, Stop, Receive and the timers' callbacks are called there, one
// at a time; Snapshot and Dump from any goroutine.
type Subsystem struct {
	opts Options
	log  *slog.Logger

	done chan struct{}
	wg   sync.WaitGroup // the readers

	// Owned by the loop.
	sessions  map[string]*sess
	byDiscr   map[uint32]*sess
	listeners [2]Listener // IPv4, IPv6
	rng       *rand.Rand
	quiet     bool // stopping: changes are no longer reported
	stopped   bool

	mu   sync.Mutex
	snap []Status
}

type sess struct {
	inst   confparse.BFDInstance
	s      *bfd.Session
	tx     Sender
	timers [2]Timer
	up     bool
	txErr  bool // the last open or send failed (logged once)
	shown  Live // as last published
}

// New returns a subsystem that does nothing until Start.
func New(opts Options) (*Subsystem, error) {
	if opts.Timers == nil || opts.Deliver == nil {
		return nil, errors.New("bfd: a timer service and a delivery to the loop are required")
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Net == nil {
		opts.Net = OSNet{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Subsystem{opts: opts, log: opts.Log}, nil
}

// Start opens the sockets and starts every session; with no bfd_instance
// it opens nothing until a reload brings one.
func (s *Subsystem) Start(insts []confparse.BFDInstance) {
	s.done = make(chan struct{})
	s.sessions, s.byDiscr = map[string]*sess{}, map[uint32]*sess{}
	s.rng = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed))
	s.apply(insts)
}

// Reload applies a new list: a session whose name, neighbour and source
// stay keeps its state and takes the new timers (a Poll Sequence if Up);
// any other is taken administratively down and replaced.
func (s *Subsystem) Reload(insts []confparse.BFDInstance) {
	if s.done == nil || s.stopped {
		return
	}
	s.apply(insts)
}

// Stop takes every session administratively down (the neighbours hear
// AdminDown), closes the sockets and waits for the readers.
func (s *Subsystem) Stop() {
	if s.done == nil || s.stopped {
		return
	}
	s.stopped = true
	// The sessions' AdminDown is for the neighbours: the daemon is
	// stopping and must not act on it (with -I the IPVS table stays as
	// it was).
	s.quiet = true
	s.apply(nil)
	close(s.done)
	for _, l := range s.listeners {
		if l != nil {
			l.Close()
		}
	}
	s.wg.Wait()
}

// Snapshot returns every session's state, by name.
func (s *Subsystem) Snapshot() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.snap)
}

// fire runs a session's expired timer.
func (s *Subsystem) fire(ss *sess, id bfd.TimerID, now time.Time) {
	if s.stopped || s.sessions[ss.inst.Name] != ss {
		return
	}
	s.act(ss, now, ss.s.Fire(now, id))
	s.refresh(ss)
}

// sorted is the sessions in name order, so that ties act the same way on
// every run.
func (s *Subsystem) sorted() []*sess {
	out := make([]*sess, 0, len(s.sessions))
	for _, n := range slices.Sorted(mapsKeys(s.sessions)) {
		out = append(out, s.sessions[n])
	}
	return out
}
