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

// SimMember is one VRRP instance of a router.
type SimMember struct {
	Inst    Instance
	Opt     MachineOptions
	M       *Machine
	HasVIPs bool // its addresses are installed (a crashed router keeps them)

	gen [numTimers]uint64
}

// SimRouter is one router on the segment. Its first member is embedded, so
// a single-instance router reads as r.M, r.Inst, r.HasVIPs.
type SimRouter struct {
	*SimMember
	Members  []*SimMember
	GroupCfg *SyncGroup // nil: independent instances
	Group    *SyncGroupMachine

	Running bool // the daemon is up
	Linked  bool // attached to the segment (false = partitioned off)
	Sent    int  // adverts sent
	GARPs   int  // gratuitous ARPs sent

	BecameMaster time.Time // last transition of the first member to MASTER

	epoch int
}

type simItem struct {
	at     time.Time
	seq    uint64
	router int
	member int
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
	// Trace, if set, sees every action carried out.
	Trace func(now time.Time, router, member int, a Action)

	queue simQueue
	seq   uint64
}

// NewSim starts a segment at time start.
func NewSim(start time.Time) *Sim { return &Sim{Now: start} }

// AddRouter adds a stopped single-instance router; Start runs it.
func (s *Sim) AddRouter(inst Instance, opt MachineOptions) (int, error) {
	return s.AddGroupRouter(nil, []Instance{inst}, []MachineOptions{opt})
}

// AddGroupRouter adds a stopped router whose instances form sync group sg
// (nil: independent). Instances with the same VRID on different routers
// hear each other.
func (s *Sim) AddGroupRouter(sg *SyncGroup, insts []Instance, opts []MachineOptions) (int, error) {
	if len(insts) == 0 || len(insts) != len(opts) {
		return 0, fmt.Errorf("sim router %d: %d instances, %d options", len(s.Routers), len(insts), len(opts))
	}
	r := &SimRouter{GroupCfg: sg, Linked: true}
	for k := range insts {
		r.Members = append(r.Members, &SimMember{Inst: insts[k], Opt: opts[k]})
	}
	r.SimMember = r.Members[0]
	if err := r.build(); err != nil {
		return 0, fmt.Errorf("sim router %d: %w", len(s.Routers), err)
	}
	s.Routers = append(s.Routers, r)
	return len(s.Routers) - 1, nil
}

// build gives the router fresh machines, as a daemon restart does.
func (r *SimRouter) build() error {
	var ms []*Machine
	for _, mb := range r.Members {
		m, err := NewMachine(&mb.Inst, mb.Opt)
		if err != nil {
			return err
		}
		mb.M = m
		ms = append(ms, m)
	}
	r.Group = nil
	if r.GroupCfg != nil {
		g, err := NewSyncGroupMachine(r.GroupCfg, ms)
		if err != nil {
			return err
		}
		r.Group = g
	}
	return nil
}

// Start (re)starts router i with fresh machines.
func (s *Sim) Start(i int) error {
	r := s.Routers[i]
	if r.Running {
		return nil
	}
	if err := r.build(); err != nil {
		return fmt.Errorf("sim router %d: %w", i, err)
	}
	r.Running = true
	r.epoch++
	for k := range r.Members {
		s.DeliverTo(i, k, Startup())
	}
	return nil
}

// Stop shuts router i down in order (priority-0 advert if master).
func (s *Sim) Stop(i int) {
	r := s.Routers[i]
	if !r.Running {
		return
	}
	for k := range r.Members {
		s.DeliverTo(i, k, Shutdown())
	}
	r.Running = false
	r.epoch++
}

// Crash kills router i silently; its addresses stay, as after a real crash.
func (s *Sim) Crash(i int) {
	r := s.Routers[i]
	r.Running = false
	r.epoch++
}

// Deliver hands ev to router i's first instance now.
func (s *Sim) Deliver(i int, ev Event) { s.DeliverTo(i, 0, ev) }

// DeliverTo hands ev to instance k of router i now (through its sync group
// if it has one) and carries out the actions.
func (s *Sim) DeliverTo(i, k int, ev Event) {
	r := s.Routers[i]
	if !r.Running {
		return
	}
	if r.Group != nil {
		for _, ma := range r.Group.Handle(s.Now, k, ev) {
			if ma.Member != GroupMember {
				s.apply(i, ma.Member, ma.Action)
			}
		}
		return
	}
	for _, a := range r.Members[k].M.Handle(s.Now, ev) {
		s.apply(i, k, a)
	}
}

func (s *Sim) push(it simItem) {
	s.seq++
	it.seq = s.seq
	heap.Push(&s.queue, it)
}

func (s *Sim) apply(i, k int, a Action) {
	r := s.Routers[i]
	mb := r.Members[k]
	if s.Trace != nil {
		s.Trace(s.Now, i, k, a)
	}
	switch a.Kind {
	case ActSendAdvert:
		r.Sent++
		if r.Linked {
			s.broadcast(i, mb, AdvertReceived(mb.M.Addr(), a.Priority, mb.Inst.AdvertInt, int(mb.Inst.Version)))
		}
	case ActArmTimer:
		mb.gen[a.Timer]++
		s.push(simItem{at: s.Now.Add(a.After), router: i, member: k, epoch: r.epoch, timer: true,
			gen: mb.gen[a.Timer], ev: TimerFired(a.Timer)})
	case ActStopTimer:
		mb.gen[a.Timer]++
	case ActAddAddresses:
		mb.HasVIPs = true
	case ActRemoveAddresses:
		mb.HasVIPs = false
	case ActSendGARP:
		r.GARPs += a.Count
	case ActNotify:
		if a.State == StateMaster && k == 0 {
			r.BecameMaster = s.Now
		}
	}
}

// broadcast puts an advert on the wire for every other running, linked
// router's instance of the same VRID.
func (s *Sim) broadcast(from int, mb *SimMember, ev Event) {
	for j, o := range s.Routers {
		if j == from || !o.Running || !o.Linked {
			continue
		}
		for k, om := range o.Members {
			if om.Inst.VRID == mb.Inst.VRID {
				s.push(simItem{at: s.Now.Add(s.Latency), router: j, member: k, epoch: o.epoch, ev: ev})
			}
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
		if !r.Running || it.epoch != r.epoch || (it.timer && it.gen != r.Members[it.member].gen[it.ev.Timer]) {
			continue
		}
		s.Now = it.at
		s.DeliverTo(it.router, it.member, it.ev)
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
