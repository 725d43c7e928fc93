package snmpagent

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/govrrpd/govrrpd/agentx"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/ipvs"
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

// Which notifications an event brings under which trees.
func TestTrapsFor(t *testing.T) {
	all := snmpmib.KeepalivedVRRP | snmpmib.KeepalivedChecker | snmpmib.RFCv2 | snmpmib.RFCv3
	master := snapshot("MASTER")
	cases := []struct {
		name string
		e    event
		d    status.Daemon
		mibs snmpmib.MIBs
		want []agentx.OID // each notification's snmpTrapOID
	}{
		{"group", event{n: notify.Event{Kind: "GROUP", Name: "G", State: "FAULT"}}, master, all,
			[]agentx.OID{snmpmib.TrapSyncGroupStateChange}},
		{"new master", event{n: notify.Event{Kind: "INSTANCE", Name: "VI_1", State: "MASTER"}}, master, all,
			[]agentx.OID{snmpmib.TrapInstanceStateChange, snmpmib.TrapVRRPv3NewMaster}},
		{"master already left", event{n: notify.Event{Kind: "INSTANCE", Name: "VI_1", State: "MASTER"}}, snapshot("BACKUP"), all,
			[]agentx.OID{snmpmib.TrapInstanceStateChange}},
		{"RFC trees only", event{n: notify.Event{Kind: "INSTANCE", Name: "VI_1", State: "MASTER"}}, master, snmpmib.RFCv3,
			[]agentx.OID{snmpmib.TrapVRRPv3NewMaster}},
		{"stopping: no snapshot", event{n: notify.Event{Kind: "INSTANCE", Name: "VI_1", State: "STOP"}}, status.Daemon{}, all,
			[]agentx.OID{snmpmib.TrapInstanceStateChange}},
		{"priority change", event{n: notify.Event{Kind: "INSTANCE", Name: "VI_1", State: "MASTER_PRIORITY"}}, master, all, nil},
		{"real server down", event{lvs: &ipvs.Action{Kind: ipvs.NotifyDown, Service: "192.0.2.7:80/TCP",
			Real: netip.MustParseAddrPort("203.0.113.1:80")}}, master, all, []agentx.OID{snmpmib.TrapRealServerChange}},
		{"real server, checker tree off", event{lvs: &ipvs.Action{Kind: ipvs.NotifyDown, Service: "192.0.2.7:80/TCP",
			Real: netip.MustParseAddrPort("203.0.113.1:80")}}, master, snmpmib.KeepalivedVRRP, nil},
		{"quorum lost", event{lvs: &ipvs.Action{Kind: ipvs.QuorumDown, Service: "192.0.2.7:80/TCP"}}, master, all,
			[]agentx.OID{snmpmib.TrapQuorumChange}},
		{"quorum, checker tree off", event{lvs: &ipvs.Action{Kind: ipvs.QuorumUp, Service: "192.0.2.7:80/TCP"}}, master,
			snmpmib.KeepalivedVRRP, nil},
		{"quorum of an unknown service", event{lvs: &ipvs.Action{Kind: ipvs.QuorumUp, Service: "192.0.2.8:80/TCP"}}, master, all, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []agentx.OID
			for _, vbs := range trapsFor(c.e, c.d, Settings{MIBs: c.mibs}, masterCauses{}) {
				got = append(got, vbs[0].Value.(agentx.OID))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
