package vrrp

import (
	"container/heap"
	"fmt"
	"net/netip"
	"time"
)

// Sim runs several routers' machines for one VRID on an in-memory segment
// with a fake clock that jumps to the next due timer or packet. It exists so
// that elections among any number of routers, crashes, partitions and
// priority changes can be checked in milliseconds, and it doubles as a
// what-if tool for a configuration.

// SimRouter is one router on the segment.
type SimRouter struct {
	Inst    Instance
	Opt     MachineOptions
	M       *Machine
	Running bool // the daemon is up
	Linked  bool // attached to the segment (false = partitioned off)
	HasVIPs bool // its addresses are installed (a crashed router keeps them)
	Sent    int  // adverts sent
	GARPs   int  // gratuitous ARPs sent

	BecameMaster time.Time // last transition to MASTER

	epoch int
	gen   [numTimers]uint64
}

type simItem struct {
	at     time.Time
	seq    uint64
	router int
	epoch  int
	timer  bool
	gen    uint64
	ev     Event
}

type simQueue []simItem

func (q simQueue) Len() int { return len(q) }
func (q simQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q simQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)   { *q = append(*q, x.(simItem)) }
func (q *simQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// Sim is the segment and its clock.
type Sim struct {
	Now     time.Time
	Routers []*SimRouter
	// Latency delays every advert on the wire.
	Latency time.Duration
	// Trace, if set, sees every event handled and the actions it produced.
	Trace func(now time.Time, router int, ev Event, acts []Action)

	queue simQueue
	seq   uint64
}

// NewSim starts a segment at time start.
func NewSim(start time.Time) *Sim { return &Sim{Now: start} }

// AddRouter adds a stopped router; Start runs it.
func (s *Sim) AddRouter(inst Instance, opt MachineOptions) (int, error) {
	m, err := NewMachine(&inst, opt)
	if err != nil {
		return 0, fmt.Errorf("sim router %d: %w", len(s.Routers), err)
	}
	s.Routers = append(s.Routers, &SimRouter{Inst: inst, Opt: opt, M: m, Linked: true})
	return len(s.Routers) - 1, nil
}

// Start (re)starts router i with a fresh machine, as a daemon restart does.
func (s *Sim) Start(i int) error {
	r := s.Routers[i]
	if r.Running {
		return nil
	}
	m, err := NewMachine(&r.Inst, r.Opt)
	if err != nil {
		return fmt.Errorf("sim router %d: %w", i, err)
	}
	r.M, r.Running = m, true
	r.epoch++
	s.Deliver(i, Startup())
	return nil
}

// Stop shuts router i down in order (priority-0 advert if master).
func (s *Sim) Stop(i int) {
	r := s.Routers[i]
	if !r.Running {
		return
	}
	s.Deliver(i, Shutdown())
	r.Running = false
	r.epoch++
}

// Crash kills router i silently; its addresses stay, as after a real crash.
func (s *Sim) Crash(i int) {
	r := s.Routers[i]
	r.Running = false
	r.epoch++
}

// Deliver hands ev to router i now and carries out its actions.
func (s *Sim) Deliver(i int, ev Event) {
	r := s.Routers[i]
	if !r.Running {
		return
	}
	acts := r.M.Handle(s.Now, ev)
	if s.Trace != nil {
		s.Trace(s.Now, i, ev, acts)
	}
	for _, a := range acts {
		s.apply(i, a)
	}
}

func (s *Sim) push(it simItem) {
	s.seq++
	it.seq = s.seq
	heap.Push(&s.queue, it)
}

func (s *Sim) apply(i int, a Action) {
	r := s.Routers[i]
	switch a.Kind {
	case ActSendAdvert:
		r.Sent++
		if !r.Linked {
			return
		}
		ev := AdvertReceived(r.M.Addr(), a.Priority, r.Inst.AdvertInt, r.Inst.Version)
		for j, o := range s.Routers {
			if j != i && o.Running && o.Linked {
				s.push(simItem{at: s.Now.Add(s.Latency), router: j, epoch: o.epoch, ev: ev})
			}
		}
	case ActArmTimer:
		r.gen[a.Timer]++
		s.push(simItem{at: s.Now.Add(a.After), router: i, epoch: r.epoch, timer: true,
			gen: r.gen[a.Timer], ev: TimerFired(a.Timer)})
	case ActStopTimer:
		r.gen[a.Timer]++
	case ActAddAddresses:
		r.HasVIPs = true
	case ActRemoveAddresses:
		r.HasVIPs = false
	case ActSendGARP:
		r.GARPs += a.Count
	case ActNotify:
		if a.State == StateMaster {
			r.BecameMaster = s.Now
		}
	}
}

// Next handles the next due item and reports whether there was one at or
// before until.
func (s *Sim) Next(until time.Time) bool {
	for s.queue.Len() > 0 {
		it := s.queue[0]
		if it.at.After(until) {
			return false
		}
		heap.Pop(&s.queue)
		r := s.Routers[it.router]
		if !r.Running || it.epoch != r.epoch || (it.timer && it.gen != r.gen[it.ev.Timer]) {
			continue
		}
		s.Now = it.at
		s.Deliver(it.router, it.ev)
		return true
	}
	return false
}

// RunFor advances the clock by d, handling everything due on the way.
func (s *Sim) RunFor(d time.Duration) {
	until := s.Now.Add(d)
	for s.Next(until) {
	}
	s.Now = until
}

// Masters lists the running routers in MASTER (a partitioned one counts).
func (s *Sim) Masters() []int {
	var out []int
	for i, r := range s.Routers {
		if r.Running && r.M.State() == StateMaster {
			out = append(out, i)
		}
	}
	return out
}

// Best is the router that should be master among running, linked routers
// not in FAULT: highest effective priority, then highest address; -1 if none.
func (s *Sim) Best() int {
	best := -1
	for i, r := range s.Routers {
		if !s.eligible(i) {
			continue
		}
		if best < 0 || better(r.M, s.Routers[best].M) {
			best = i
		}
	}
	return best
}

func (s *Sim) eligible(i int) bool {
	r := s.Routers[i]
	return r.Running && r.Linked && r.M.State() != StateFault && r.M.State() != StateInit
}

func better(a, b *Machine) bool {
	if a.Priority() != b.Priority() {
		return a.Priority() > b.Priority()
	}
	return a.Addr().Compare(b.Addr()) > 0
}

// Addr returns router i's tie-break address.
func (s *Sim) Addr(i int) netip.Addr { return s.Routers[i].M.Addr() }
