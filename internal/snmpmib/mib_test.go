package snmpmib

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/agentx"
	"github.com/govrrpd/govrrpd/internal/status"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

func ms(n int) status.Duration { return status.Duration(time.Duration(n) * time.Millisecond) }

// snapshot is a daemon with one instance of each kind the MIBs tell
// apart, a sync group (of the first and the fourth instance: members are
// numbered in the group), and an IP and a fwmark virtual server.
func snapshot() status.Daemon {
	return status.Daemon{Version: "1.2.3",
		Instances: []status.Instance{
			{Name: "VI_4", VRID: 51, Family: "inet", Version: 3, Interface: "eth0", SyncGroup: "G1", State: "MASTER",
				Priority: 150, EffectivePriority: 140, AdvertInt: ms(1000), MasterAddr: "192.0.2.2", VIPs: []string{"192.0.2.100/32"},
				LastReason: "master down timer"},
			{Name: "VI_6", VRID: 52, Family: "inet6", Version: 3, Interface: "eth0", State: "BACKUP",
				Priority: 100, EffectivePriority: 100, AdvertInt: ms(100), MasterAddr: "fe80::1", VIPs: []string{"2001:db8::100/128"}},
			{Name: "VI_2", VRID: 9, Family: "inet", Version: 2, Interface: "eth1", State: "FAULT",
				Priority: 90, EffectivePriority: 90, AdvertInt: ms(2000), VIPs: []string{"198.51.100.9/32", "198.51.100.10/32"}},
			{Name: "VI_2b", VRID: 10, Family: "inet", Version: 2, Interface: "eth1", SyncGroup: "G1", State: "MASTER",
				Priority: 200, EffectivePriority: 200, AdvertInt: ms(1000), MasterAddr: "198.51.100.2", VIPs: []string{"198.51.100.11/32"}},
		},
		SyncGroups: []status.SyncGroup{{Name: "G1", State: "MASTER", Members: []string{"VI_4", "VI_2b"}}},
		VirtualServers: []status.VirtualServer{
			{Key: "192.0.2.100:80/TCP", Protocol: "TCP", Addr: "192.0.2.100", Port: 80, Scheduler: "wrr", Quorum: true,
				Stats: status.IPVSStats{Conns: 7, InPkts: 70, OutPkts: 60, InBytes: 7000, OutBytes: 6000, CPS: 1},
				Reals: []status.RealServer{
					{Key: "203.0.113.1:8080", Addr: "203.0.113.1", Port: 8080, WeightCurrent: 3, Healthy: true,
						Stats:    status.IPVSStats{Conns: 4, InPkts: 40, InBytes: 5 << 32, CPS: 3, InBPS: 1<<32 + 7},
						Checkers: []status.Checker{{Kind: "TCP_CHECK", Up: true}, {Kind: "HTTP_GET", Up: false}}},
					{Addr: "203.0.113.2", Port: 8080, WeightCurrent: 0, Healthy: false},
				}},
			{Key: "FWM 5", Protocol: "FWM", Fwmark: 5, Scheduler: "mh",
				Reals: []status.RealServer{{Addr: "2001:db8::21", Port: 0, WeightCurrent: 1, Healthy: true}}},
		},
	}
}

func host() Host {
	return Host{RouterID: "lb1", IfIndex: func(n string) int { return map[string]int{"eth0": 2, "eth1": 3}[n] },
		InitialState: map[string]string{"VI_4": "MASTER", "VI_6": "BACKUP", "VI_2": "BACKUP"},
		// VI_4 multicast with a VIP and an excluded one, VI_2 unicast with
		// PASS auth and a labelled link-scope VIP; VI_6 and VI_2b have no
		// settings and serve only their status columns.
		Instances: map[string]InstanceConf{
			"VI_4": {Preempt: true, GARPDelay: 5 * time.Second, Accept: true, NotifyExec: true, LVSSyncIf: "eth0",
				Mcast: netip.MustParseAddr("224.0.0.18"), MACIf: "vrrp.51",
				VIPs:         []VIPConf{{Prefix: netip.MustParsePrefix("192.0.2.100/24"), Brd: "+"}},
				ExcludedVIPs: []VIPConf{{Prefix: netip.MustParsePrefix("2001:db8::5/64"), Dev: "eth1"}},
				Tracks: Tracks{Interfaces: []TrackConf{{Name: "eth1", Weight: 10}},
					Scripts: []TrackConf{{Name: "chk", Weight: -5, Reverse: true}, {Name: "chk2"}}}},
			"VI_2": {PreemptDelay: 30 * time.Second, AuthType: 1, SMTPAlert: true, NotifyDeleted: true,
				Src: netip.MustParseAddr("198.51.100.1"),
				VIPs: []VIPConf{{Prefix: netip.MustParsePrefix("198.51.100.9/32"), Label: "eth1:vip", Scope: "link",
					Peer: netip.MustParseAddr("198.51.100.99")}, {Prefix: netip.MustParsePrefix("198.51.100.10/32"), Brd: "198.51.100.255"}}},
		},
		Groups: map[string]SyncGroupConf{"G1": {TrackingWeight: true,
			Tracks: Tracks{Processes: []TrackConf{{Name: "nginx", Weight: 2}}, BFDs: []TrackConf{{Name: "gw"}}}}},
		Scripts: []ScriptConf{{Name: "chk", Interval: 2 * time.Second, Weight: 3, Rise: 2, Fall: 3}},
		// The TCP service is persistent DR with a named, limited real
		// server; the fwmark one IPv6 NAT with inhibit_on_failure.
		VirtualServers: map[string]VSConf{
			"192.0.2.100:80/TCP": {Kind: 2, Persistence: 300 * time.Second, DelayLoop: 6 * time.Second, Quorum: 1, Weight: 1,
				Virtualhost: "www.example.org", Name: "web",
				Reals: map[string]RSConf{"203.0.113.1:8080": {Kind: 3, UThreshold: 100, Name: "web1"}}},
			"FWM 5": {Kind: 1, IPv6: true, DelayLoop: 60 * time.Second, Quorum: 2, Hysteresis: 1, Inhibit: true, Alpha: true, Weight: 1},
		},
		Global: GlobalConf{Traps: true, SMTPAlertVRRP: new(bool), NetNamespace: "blue", LVSFlushOnStop: true},
		IfMAC: func(n string) []byte {
			return map[string][]byte{"eth0": {2, 0, 0, 0, 0, 1}, "vrrp.51": {0, 0, 0x5e, 0, 1, 51}}[n]
		},
		IfAddr: func(n string, v6 bool) netip.Addr {
			if v6 {
				return netip.MustParseAddr("fe80::2")
			}
			a, _ := netip.ParseAddr(map[string]string{"eth0": "192.0.2.2", "eth1": "198.51.100.2"}[n])
			return a // an interface without an address: invalid
		},
	}
}

// The settings' drop counters reach both RFC MIBs' statistics.
func snapshotWithDrops() status.Daemon {
	d := snapshot()
	d.Instances[2].Stats = status.InstanceStats{BecameMaster: 2, AdvertsReceived: 9, PriZeroReceived: 1,
		Drops: map[string]uint64{"ttl": 3, "auth-failure": 1, "truncated": 2}}
	d.Instances[1].Stats = status.InstanceStats{BecameMaster: 1, Drops: map[string]uint64{"ttl": 1, "checksum": 4}}
	return d
}

// format renders varbinds as snmpwalk -On does, near enough to read.
func format(vbs []agentx.VarBind) string {
	var b strings.Builder
	for _, v := range vbs {
		fmt.Fprintf(&b, ".%v = %v: ", v.Name, v.Type)
		switch x := v.Value.(type) {
		case []byte:
			fmt.Fprintf(&b, "%q", x)
		case [4]byte:
			b.WriteString(netip.AddrFrom4(x).String())
		default:
			fmt.Fprint(&b, x)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden (run with -update after checking):\n%s", name, got)
	}
}

// A walk from the root with GetNext visits every object once, in order,
// and reads the golden.
func TestWalkGolden(t *testing.T) {
	v := Build(snapshotWithDrops(), host(), KeepalivedVRRP|KeepalivedChecker|RFCv2|RFCv3)
	var got []agentx.VarBind
	r := agentx.SearchRange{Start: agentx.OID{1}}
	for {
		vb := v.Next(r)
		if vb.Type == agentx.EndOfMibView {
			break
		}
		if len(got) > 0 && vb.Name.Compare(got[len(got)-1].Name) <= 0 {
			t.Fatalf("walk went back: %v after %v", vb.Name, got[len(got)-1].Name)
		}
		got = append(got, vb)
		r = agentx.SearchRange{Start: vb.Name}
	}
	if len(got) != v.Len() {
		t.Errorf("walk visited %d of %d objects", len(got), v.Len())
	}
	golden(t, "walk.golden", format(got))
}

func TestTrapsGolden(t *testing.T) {
	d, h := snapshot(), host()
	var all []agentx.VarBind
	all = append(all, InstanceTrap(d.Instances[0], h)...)
	all = append(all, GroupTrap(d.SyncGroups[0], h)...)
	for _, in := range d.Instances {
		if vbs, ok := NewMasterV2(in, h); ok {
			all = append(all, vbs...)
		}
		if vbs, ok := NewMasterV3(in, h, in.LastReason); ok {
			all = append(all, vbs...)
		}
	}
	all = append(all, RealServerTrap(d.VirtualServers[0], d.VirtualServers[0].Reals[1], h)...)
	all = append(all, RealServerTrap(d.VirtualServers[1], d.VirtualServers[1].Reals[0], h)...)
	all = append(all, QuorumTrap(d.VirtualServers[0], false, h)...)
	all = append(all, QuorumTrap(d.VirtualServers[1], true, h)...)
	golden(t, "traps.golden", format(all))
}

// Each flag serves its own trees and no other.
func TestMIBSelection(t *testing.T) {
	cases := []struct {
		m     MIBs
		roots []agentx.OID
	}{
		{KeepalivedVRRP, []agentx.OID{KeepalivedGlob, KeepalivedVR}},
		{KeepalivedChecker, []agentx.OID{KeepalivedGlob, KeepalivedChk}},
		{RFCv2, []agentx.OID{VRRPMIB}},
		{RFCv3, []agentx.OID{VRRPv3MIB}},
		{0, nil},
	}
	for _, c := range cases {
		v := Build(snapshot(), host(), c.m)
		if fmt.Sprint(c.m.Subtrees()) != fmt.Sprint(c.roots) {
			t.Errorf("%b registers %v, want %v", c.m, c.m.Subtrees(), c.roots)
		}
		seen := map[string]bool{}
		for _, vb := range v.All() {
			in := false
			for _, r := range c.roots {
				if vb.Name.HasPrefix(r) {
					in, seen[r.String()] = true, true
				}
			}
			if !in {
				t.Errorf("%b serves %v outside its trees", c.m, vb.Name)
			}
		}
		if len(seen) != len(c.roots) {
			t.Errorf("%b serves %d of its %d trees", c.m, len(seen), len(c.roots))
		}
	}
}

func TestGetAndRanges(t *testing.T) {
	v := Build(snapshot(), host(), KeepalivedVRRP)
	state := KeepalivedVR.Append(3, 1, 4, 1)
	if vb := v.Get(state); vb.Type != agentx.Integer || vb.Value != int32(2) {
		t.Errorf("vrrpInstanceState.1 = %+v, want master(2)", vb)
	}
	if vb := v.Get(KeepalivedVR.Append(3, 1, 4)); vb.Type != agentx.NoSuchObject {
		t.Errorf("a column without index answered %+v", vb)
	}
	if vb := v.Next(agentx.SearchRange{Start: state, Include: true}); vb.Name.Compare(state) != 0 {
		t.Errorf("include: got %v", vb.Name)
	}
	if vb := v.Next(agentx.SearchRange{Start: state}); vb.Name.Compare(KeepalivedVR.Append(3, 1, 4, 2)) != 0 {
		t.Errorf("next after %v: %v", state, vb.Name)
	}
	end := KeepalivedVR.Append(3, 1, 4, 2)
	if vb := v.Next(agentx.SearchRange{Start: state, End: end}); vb.Type != agentx.EndOfMibView {
		t.Errorf("the range's end was crossed: %+v", vb)
	}
}
