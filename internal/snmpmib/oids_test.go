package snmpmib

import (
	"slices"
	"testing"

	"github.com/govrrpd/govrrpd/agentx"
)

// TestRootOIDs: the OIDs written out are the MIBs' dotted names and the
// subtrees keepalived's notifications hang from.
func TestRootOIDs(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want agentx.OID
	}{
		{"Keepalived", Keepalived, agentx.MustOID("1.3.6.1.4.1.9586.100.5")},
		{"KeepalivedGlob", KeepalivedGlob, Keepalived.Append(1)},
		{"KeepalivedVR", KeepalivedVR, Keepalived.Append(2)},
		{"KeepalivedChk", KeepalivedChk, Keepalived.Append(3)},
		{"VRRPMIB", VRRPMIB, agentx.MustOID("1.3.6.1.2.1.68")},
		{"VRRPv3MIB", VRRPv3MIB, agentx.MustOID("1.3.6.1.2.1.207")},
		{"SNMPTrapOID", SNMPTrapOID, agentx.MustOID("1.3.6.1.6.3.1.1.4.1.0")},
		{"TrapSyncGroupStateChange", TrapSyncGroupStateChange, KeepalivedVR.Append(10, 0, 1)},
		{"TrapInstanceStateChange", TrapInstanceStateChange, KeepalivedVR.Append(10, 0, 2)},
		{"TrapRealServerChange", TrapRealServerChange, KeepalivedChk.Append(5, 0, 1)},
		{"TrapQuorumChange", TrapQuorumChange, KeepalivedChk.Append(5, 0, 2)},
		{"TrapVRRPNewMaster", TrapVRRPNewMaster, VRRPMIB.Append(0, 1)},
		{"TrapVRRPv3NewMaster", TrapVRRPv3NewMaster, VRRPv3MIB.Append(0, 1)},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestCodes: KEEPALIVED-MIB's scheduler and protocol codes count from 1
// in the MIB's order; a name it does not list has none.
func TestCodes(t *testing.T) {
	for _, c := range []struct {
		names []string
		name  string
		code  int
		ok    bool
	}{
		{schedulers[:], "rr", 1, true}, {schedulers[:], "sh", 8, true}, {schedulers[:], "twos", 14, true},
		{schedulers[:], "RR", 0, false}, {schedulers[:], "", 0, false},
		{protocols[:], "TCP", 1, true}, {protocols[:], "SCTP", 3, true}, {protocols[:], "tcp", 0, false},
	} {
		got, ok := code(c.names, c.name)
		if ok != c.ok || (ok && got != c.code) {
			t.Errorf("code(%q) = %d, %v; want %d, %v", c.name, got, ok, c.code, c.ok)
		}
	}
}
