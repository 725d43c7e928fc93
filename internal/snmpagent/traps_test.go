package snmpagent

import (
	"fmt"
	"testing"

	"github.com/govrrpd/govrrpd/agentx"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
	"github.com/govrrpd/govrrpd/internal/status"
)

// The new master's reason is the cause whose count grew since the last
// time the instance became master.
func TestMasterCauses(t *testing.T) {
	m := masterCauses{}
	in := status.Instance{Name: "VI_1", Stats: status.InstanceStats{Transitions: []status.TransitionCount{
		{From: "INIT", To: "BACKUP", Reason: "startup", Count: 1},
		{From: "BACKUP", To: "MASTER", Reason: "master down timer", Count: 1},
	}}}
	if c := m.cause(in); c != "master down timer" {
		t.Errorf("first: %q", c)
	}
	in.Stats.Transitions = append(in.Stats.Transitions, status.TransitionCount{From: "BACKUP", To: "MASTER", Reason: "advert", Count: 1})
	if c := m.cause(in); c != "advert" {
		t.Errorf("second: %q", c)
	}
	if c := m.cause(in); c != "" {
		t.Errorf("nothing grew: %q", c)
	}
}

// A GetBulk answers non-repeaters once, then repetitions row by row, stops
// when every repeater ended, and never builds more than maxBulk varbinds.
func TestAnswerBulk(t *testing.T) {
	d := snapshot("MASTER")
	for i := range 3000 {
		d.Instances = append(d.Instances, status.Instance{Name: fmt.Sprint("X", i), State: "BACKUP"})
	}
	v := snmpmib.Build(d, snmpmib.Host{}, snmpmib.KeepalivedVRRP)
	names := snmpmib.KeepalivedVR.Append(3, 1, 2)
	got := answer(v, &agentx.PDU{Header: agentx.Header{Type: agentx.TypeGetBulk}, NonRepeaters: 1, MaxRepetitions: 2,
		Ranges: []agentx.SearchRange{{Start: snmpmib.KeepalivedGlob}, {Start: names}, {Start: snmpmib.Keepalived.Append(9)}}})
	if len(got) != 5 || got[0].Name.Compare(snmpmib.KeepalivedGlob.Append(1, 0)) != 0 ||
		got[1].Name.Compare(names.Append(1)) != 0 || got[2].Type != agentx.EndOfMibView ||
		got[3].Name.Compare(names.Append(2)) != 0 || got[4].Type != agentx.EndOfMibView {
		t.Errorf("two rows: %+v", got)
	}
	got = answer(v, &agentx.PDU{Header: agentx.Header{Type: agentx.TypeGetBulk}, MaxRepetitions: 5,
		Ranges: []agentx.SearchRange{{Start: snmpmib.Keepalived.Append(9)}}})
	if len(got) != 1 || got[0].Type != agentx.EndOfMibView {
		t.Errorf("a row where every repeater ended is the last: %+v", got)
	}
	got = answer(v, &agentx.PDU{Header: agentx.Header{Type: agentx.TypeGetBulk}, MaxRepetitions: 65535,
		Ranges: []agentx.SearchRange{{Start: names}}})
	if len(got) != maxBulk {
		t.Errorf("%d varbinds, want the cap %d", len(got), maxBulk)
	}
}
