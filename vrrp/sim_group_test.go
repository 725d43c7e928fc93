package vrrp

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// groupSim gives every router a sync group of two instances (VRID 51 and
// 52) with one priority per router, as features.md §6 advises ("members
// should not have different preferences across nodes").
func groupSim(t *testing.T, prios ...uint8) *Sim {
	t.Helper()
	s := NewSim(t0)
	for i, p := range prios {
		var insts []Instance
		var opts []MachineOptions
		for k, vrid := range []uint8{51, 52} {
			in := testInstance(fmt.Sprintf("r%d-VI_%d", i, k), p)
			in.VRID = vrid
			insts = append(insts, in)
			opts = append(opts, MachineOptions{Addr: routerAddr(i)})
		}
		if _, err := s.AddGroupRouter(&SyncGroup{Name: "G"}, insts, opts); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// checkGroupElected: every running router's members share one state, a
// faulty router is FAULT without addresses, and among eligible routers one
// holds MASTER (and the addresses) for both VRIDs with the highest priority.
func checkGroupElected(s *Sim) error {
	master := -1
	for i, r := range s.Routers {
		if !r.Running {
			continue
		}
		faulty := false
		for k, mb := range r.Members {
			faulty = faulty || mb.M.OwnFault()
			if st := mb.M.State(); st != r.M.State() {
				return fmt.Errorf("r%d member %d is %s, member 0 is %s", i, k, st, r.M.State())
			}
		}
		if faulty && r.M.State() != StateFault {
			return fmt.Errorf("r%d has a faulty member but is %s", i, r.M.State())
		}
		if !s.eligible(i) {
			continue
		}
		if r.M.State() == StateMaster {
			if master >= 0 {
				return fmt.Errorf("two masters: r%d and r%d", master, i)
			}
			master = i
		}
	}
	if master < 0 {
		if s.Best() >= 0 {
			return fmt.Errorf("no master, r%d eligible", s.Best())
		}
		return nil
	}
	for i, r := range s.Routers {
		if !s.eligible(i) {
			continue
		}
		for k, mb := range r.Members {
			if mb.HasVIPs != (i == master) {
				return fmt.Errorf("r%d member %d has VIPs=%t", i, k, mb.HasVIPs)
			}
		}
		if r.M.Priority() > s.Routers[master].M.Priority() {
			return fmt.Errorf("r%d priority %d > master r%d", i, r.M.Priority(), master)
		}
	}
	return nil
}

func TestSimSyncGroups(t *testing.T) {
	s := groupSim(t, 100, 200, 150)
	startAll(t, s)
	s.RunFor(5 * time.Second)
	if err := checkGroupElected(s); err != nil || s.Masters()[0] != 1 {
		t.Fatalf("initial election: %v, masters %v", err, s.Masters())
	}
	// one member's interface fails on the master: the whole group resigns
	s.DeliverTo(1, 1, InterfaceState(false))
	s.RunFor(5 * time.Second)
	if err := checkGroupElected(s); err != nil || s.Masters()[0] != 2 {
		t.Fatalf("after member fault: %v, masters %v", err, s.Masters())
	}
	s.DeliverTo(1, 1, InterfaceState(true))
	s.RunFor(5 * time.Second)
	if err := checkGroupElected(s); err != nil || s.Masters()[0] != 1 {
		t.Fatalf("after recovery: %v, masters %v", err, s.Masters())
	}
}

func TestSimSyncGroupsRandom(t *testing.T) {
	const steps = 10000
	for _, seed := range []uint64{11, 12} {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0x9a0))
			n := 3 + rng.IntN(3)
			var prios []uint8
			for range n {
				prios = append(prios, uint8(1+rng.IntN(254)))
			}
			s := groupSim(t, prios...)
			startAll(t, s)
			settle, quiet := 8*time.Second, 2*time.Second
			s.RunFor(settle)
			var last [8]string
			for step := range steps {
				last[step%len(last)] = groupOp(s, rng)
				s.RunFor(settle + quiet)
				if err := checkGroupElected(s); err != nil {
					t.Fatalf("%d routers, step %d: %v\nrecent ops %q\n%s", n, step, err, last, describe(s))
				}
			}
		})
	}
}

func groupOp(s *Sim, rng *rand.Rand) string {
	i := rng.IntN(len(s.Routers))
	k := rng.IntN(2)
	r := s.Routers[i]
	switch op := rng.IntN(6); {
	case op == 0 && r.Running:
		s.Crash(i)
		return fmt.Sprintf("crash r%d", i)
	case op == 1 && r.Running:
		s.Stop(i)
		return fmt.Sprintf("stop r%d", i)
	case op <= 1:
		if err := s.Start(i); err != nil {
			panic(err)
		}
		return fmt.Sprintf("start r%d", i)
	case op == 2:
		p := uint8(1 + rng.IntN(254))
		for m, mb := range r.Members {
			mb.Inst.Priority = p
			s.DeliverTo(i, m, PriorityChanged(p))
		}
		return fmt.Sprintf("priority r%d %d", i, p)
	case op == 3:
		up := rng.IntN(3) != 0
		s.DeliverTo(i, k, InterfaceState(up))
		return fmt.Sprintf("iface r%d/%d up=%t", i, k, up)
	case op == 4:
		r.Linked = !r.Linked
		return fmt.Sprintf("link r%d %t", i, r.Linked)
	}
	return "wait"
}
