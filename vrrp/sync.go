package vrrp

import (
	"errors"
	"fmt"
	"time"
)

// A sync group moves its members together (features.md §6, runtime.md §10
// item 12): any member in FAULT puts every member in FAULT until none is; a
// member leaving MASTER takes the others to BACKUP; members become MASTER
// only when all of them want it. Each member stays a pure Machine; the
// group watches their states after every event and feeds them
// SyncGroupCommand events, so the whole group is still a pure function of
// its event stream.

// GroupMember is the Member index of group-level actions.
const GroupMember = -1

// MemberAction is an action of one member, or of the group itself when
// Member is GroupMember (then it is an ActNotify for the group's notify_*
// scripts and the generic notify's `GROUP NAME STATE 0`).
type MemberAction struct {
	Member int
	Action Action
}

// SyncGroupMachine drives the members of one vrrp_sync_group.
type SyncGroupMachine struct {
	name       string
	members    []*Machine
	state      State // last state notified for the group; StateInit until uniform
	leftMaster bool
	out        []MemberAction
}

// maxSettle bounds the propagation rounds; each round can only move members
// towards FAULT, BACKUP or MASTER once, so two rounds settle and more means
// a bug that must not spin forever.
const maxSettle = 8

// NewSyncGroupMachine takes ownership of the members: from now on their
// events must go through the group's Handle.
func NewSyncGroupMachine(sg *SyncGroup, members []*Machine) (*SyncGroupMachine, error) {
	if len(members) == 0 {
		return nil, fmt.Errorf("vrrp_sync_group %s: %w", sg.Name, errors.New("no members"))
	}
	for _, m := range members {
		if m.synced {
			return nil, fmt.Errorf("vrrp_sync_group %s: instance %s is already in a sync group", sg.Name, m.Name())
		}
	}
	for _, m := range members {
		m.synced = true
	}
	return &SyncGroupMachine{name: sg.Name, members: members, out: make([]MemberAction, 0, 32)}, nil
}

// Name is the group's name.
func (g *SyncGroupMachine) Name() string { return g.name }

// Members are the member machines, in configuration order.
func (g *SyncGroupMachine) Members() []*Machine { return g.members }

// State is the group's last uniform state (StateInit before the first).
func (g *SyncGroupMachine) State() State { return g.state }

// Handle gives ev to member i, then propagates the result through the
// group. The returned slice is reused by the next call.
func (g *SyncGroupMachine) Handle(now time.Time, i int, ev Event) []MemberAction {
	g.out = g.out[:0]
	if i < 0 || i >= len(g.members) {
		return g.out
	}
	g.feed(now, i, ev)
	for range maxSettle {
		if !g.propagate(now) {
			break
		}
	}
	g.notifyGroup()
	return g.out
}

func (g *SyncGroupMachine) feed(now time.Time, i int, ev Event) {
	m := g.members[i]
	prev := m.State()
	lower := false
	for _, a := range m.Handle(now, ev) {
		g.out = append(g.out, MemberAction{Member: i, Action: a})
		lower = lower || a.Kind == ActNotifyLowerPrio
	}
	if lower {
		g.garpPeers(i)
	}
	if prev == StateMaster && m.State() == StateBackup {
		g.leftMaster = true
	}
}

// garpPeers repeats the lower-priority GARP burst for the other MASTER
// members (runtime.md §8): a split brain on one VRID usually means the
// peer also holds the group's other addresses.
func (g *SyncGroupMachine) garpPeers(i int) {
	for j, o := range g.members {
		if j != i && o.State() == StateMaster && o.inst.GARP.LowerPrioRepeat > 0 {
			g.out = append(g.out, MemberAction{Member: j,
				Action: Action{Kind: ActSendGARP, Count: o.inst.GARP.LowerPrioRepeat}})
		}
	}
}

// propagate runs one round of the group rules and reports whether any
// member was told anything.
func (g *SyncGroupMachine) propagate(now time.Time) bool {
	changed := false
	anyFault := false
	for _, m := range g.members {
		anyFault = anyFault || m.OwnFault()
	}
	for i, m := range g.members {
		if m.groupFault != anyFault {
			cmd := GroupFaultOff
			if anyFault {
				cmd = GroupFaultOn
			}
			g.feed(now, i, SyncGroupCommand(cmd))
			changed = true
		}
	}
	if g.leftMaster {
		g.leftMaster = false
		for i, m := range g.members {
			if m.State() == StateMaster {
				g.feed(now, i, SyncGroupCommand(GroupBackup))
				changed = true
			}
		}
	}
	if g.allWantMaster() {
		for i, m := range g.members {
			if m.State() != StateMaster {
				g.feed(now, i, SyncGroupCommand(GroupMaster))
				changed = true
			}
		}
	}
	return changed
}

// allWantMaster holds when every member is MASTER or a BACKUP whose
// master-down timer has expired, and at least one is not yet MASTER.
func (g *SyncGroupMachine) allWantMaster() bool {
	pending := false
	for _, m := range g.members {
		switch {
		case m.State() == StateMaster:
		case m.State() == StateBackup && m.WantsMaster():
			pending = true
		default:
			return false
		}
	}
	return pending
}

// notifyGroup emits the group notify once all members share a new state.
func (g *SyncGroupMachine) notifyGroup() {
	s := g.members[0].State()
	if s == StateInit || s == g.state {
		return
	}
	for _, m := range g.members {
		// A member still handing over holds its addresses: the group's
		// STOP waits for it, as each member's own STOP does.
		if m.State() != s || m.Leaving() {
			return
		}
	}
	g.state = s
	g.out = append(g.out, MemberAction{Member: GroupMember, Action: Action{Kind: ActNotify, State: s}})
}
