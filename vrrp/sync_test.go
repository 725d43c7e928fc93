package vrrp

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

func groupOf(t *testing.T, n int) *SyncGroupMachine {
	t.Helper()
	var ms []*Machine
	for i := range n {
		in := testInstance(fmt.Sprintf("VI_%d", i), 100)
		in.VRID = uint8(10 + i)
		m, err := NewMachine(&in, MachineOptions{Addr: netip.MustParseAddr("192.0.2.1")})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	g, err := NewSyncGroupMachine(&SyncGroup{Name: "G"}, ms)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func groupStates(g *SyncGroupMachine) string {
	s := ""
	for _, m := range g.Members() {
		s += m.State().String()[:1]
	}
	return s
}

func groupNotifies(acts []MemberAction) []State {
	var out []State
	for _, a := range acts {
		if a.Member == GroupMember {
			if a.Action.Kind != ActNotify || a.Action.Priority != 0 {
				panic("group actions are notifies with priority 0")
			}
			out = append(out, a.Action.State)
		}
	}
	return out
}

func TestSyncGroupThreeMembers(t *testing.T) {
	g := groupOf(t, 3)
	now := t0
	for i := range 3 {
		g.Handle(now, i, Startup())
	}
	if groupStates(g) != "BBB" || g.State() != StateBackup {
		t.Fatalf("after startup: %s, group %s", groupStates(g), g.State())
	}
	md := 3609375 * time.Microsecond
	// members 0 and 1 time out, member 2 still hears its master
	g.Handle(now.Add(time.Second), 2, AdvertReceived(netip.MustParseAddr("192.0.2.9"), 200, time.Second, 2))
	g.Handle(now.Add(md), 0, TimerFired(TimerMasterDown))
	g.Handle(now.Add(md), 1, TimerFired(TimerMasterDown))
	if groupStates(g) != "BBB" {
		t.Fatalf("went MASTER before every member wanted it: %s", groupStates(g))
	}
	acts := g.Handle(now.Add(time.Second+md), 2, TimerFired(TimerMasterDown))
	if groupStates(g) != "MMM" {
		t.Fatalf("all want MASTER but states are %s", groupStates(g))
	}
	if n := groupNotifies(acts); len(n) != 1 || n[0] != StateMaster {
		t.Errorf("group notifies %v, want [MASTER]", n)
	}
	// one member hears a higher priority: all go BACKUP, one group notify
	acts = g.Handle(now.Add(10*time.Second), 1, AdvertReceived(netip.MustParseAddr("192.0.2.9"), 200, time.Second, 2))
	if groupStates(g) != "BBB" {
		t.Fatalf("a member left MASTER but states are %s", groupStates(g))
	}
	if n := groupNotifies(acts); len(n) != 1 || n[0] != StateBackup {
		t.Errorf("group notifies %v, want [BACKUP]", n)
	}
	// fault in one member faults all; they leave FAULT together
	g.Handle(now.Add(11*time.Second), 0, InterfaceState(false))
	if groupStates(g) != "FFF" {
		t.Fatalf("a member faulted but states are %s", groupStates(g))
	}
	g.Handle(now.Add(12*time.Second), 2, InterfaceState(false))
	g.Handle(now.Add(13*time.Second), 0, InterfaceState(true))
	if groupStates(g) != "FFF" {
		t.Fatalf("member 2 still faulty but states are %s", groupStates(g))
	}
	acts = g.Handle(now.Add(14*time.Second), 2, InterfaceState(true))
	if groupStates(g) != "BBB" {
		t.Fatalf("no fault left but states are %s", groupStates(g))
	}
	if n := groupNotifies(acts); len(n) != 1 || n[0] != StateBackup {
		t.Errorf("group notifies %v, want [BACKUP]", n)
	}
}

func TestSyncGroupOwnerMembers(t *testing.T) {
	var ms []*Machine
	for i := range 2 {
		in := testInstance(fmt.Sprintf("VI_%d", i), 255)
		in.State = WantMaster
		m, err := NewMachine(&in, MachineOptions{Addr: netip.MustParseAddr("192.0.2.1")})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	g, err := NewSyncGroupMachine(&SyncGroup{Name: "G"}, ms)
	if err != nil {
		t.Fatal(err)
	}
	g.Handle(t0, 0, Startup())
	g.Handle(t0, 1, Startup())
	g.Handle(t0.Add(time.Microsecond), 0, TimerFired(TimerMasterDown))
	if groupStates(g) != "BB" {
		t.Fatalf("one owner member went alone: %s", groupStates(g))
	}
	g.Handle(t0.Add(time.Microsecond), 1, TimerFired(TimerMasterDown))
	if groupStates(g) != "MM" {
		t.Fatalf("owners did not go MASTER together: %s", groupStates(g))
	}
}

func TestSyncGroupErrors(t *testing.T) {
	if _, err := NewSyncGroupMachine(&SyncGroup{Name: "E"}, nil); err == nil {
		t.Error("empty group accepted")
	}
	g := groupOf(t, 2)
	if _, err := NewSyncGroupMachine(&SyncGroup{Name: "H"}, g.Members()[:1]); err == nil {
		t.Error("an instance joined two groups")
	}
	if acts := g.Handle(t0, 5, Startup()); len(acts) != 0 {
		t.Error("event for a member out of range produced actions")
	}
}

func TestNewMachineRejects(t *testing.T) {
	mod := []func(*Instance){
		func(in *Instance) { in.Priority = 0 },
		func(in *Instance) { in.Version = 4 },
		func(in *Instance) { in.AdvertInt = 0 },
		func(in *Instance) { in.DownTimerAdverts = 0 },
	}
	for i, f := range mod {
		in := testInstance("bad", 100)
		f(&in)
		if _, err := NewMachine(&in, MachineOptions{}); err == nil {
			t.Errorf("case %d: accepted %+v", i, in)
		}
	}
	in := testInstance("src", 100)
	in.OptsRef().UnicastSrc = netip.MustParseAddr("198.51.100.7")
	m, err := NewMachine(&in, MachineOptions{})
	if err != nil || m.Addr() != in.Options().UnicastSrc {
		t.Errorf("tie-break address %v, %v; want the unicast_src_ip", m.Addr(), err)
	}
}
