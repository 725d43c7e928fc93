package daemon

import (
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The JSON dump follows keepalived 2.2.7's json_version 1 layout
// (docs/json-dump.md); the golden file pins every key and type.
func TestJSONDumpGolden(t *testing.T) {
	cfg := vrrp.Instance{
		Name: "VI_1", Interface: "eth0", VRID: 51, Priority: 150, AdvertInt: time.Second, Version: 2,
		Family: vrrp.IPv4, Accept: true, DownTimerAdverts: 3,
		GARP: vrrp.GARP{MasterDelay: 5 * time.Second, MasterRepeat: 5, MasterRefreshRepeat: 1,
			LowerPrioDelay: 5 * time.Second, LowerPrioRepeat: 5},
		VIPs:            []vrrp.Address{{Prefix: netip.MustParsePrefix("192.0.2.200/24")}},
		TrackInterfaces: []vrrp.TrackInterface{{Name: "eth1"}},
		Auth:            vrrp.Auth{Type: vrrp.AuthPass, Pass: "secret"},
	}
	m, err := vrrp.NewMachine(&cfg, vrrp.MachineOptions{Addr: netip.MustParseAddr("192.0.2.11")})
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{cfg: &cfg, m: m, masterInt: 10 * time.Second, lastTransition: time.Unix(1795413534, 560407000)}
	in.stats = stats{advertRcvd: 4, advertSent: 12, becomeMaster: 1, drops: map[string]uint64{vrrp.RxTTL.String(): 2, dropTruncated: 1}}
	now := time.Unix(1795413534, 0)
	m.Handle(now, vrrp.Startup())
	m.Handle(now.Add(4*time.Second), vrrp.TimerFired(vrrp.TimerMasterDown))
	got, err := json.MarshalIndent([]jsonInstance{jsonOf(in)}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/json-dump.golden.json"
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("JSON dump differs from %s:\n%s", golden, got)
	}
}

// keepalived's RFC 6527 counters: checksum and version errors on the
// instance the VRID names; wrong VRIDs once per interface, on its first
// instance, so the sum over instances counts every packet once.
func TestJSONRFC6527Counters(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	h.run("advert eth0 from 192.0.2.2 vrid 9 prio 200")
	h.run("advert eth0 from 192.0.2.2 vrid 9 prio 200")
	h.run("advert eth0 from 192.0.2.2 vrid 2 prio 200 ver 3")
	h.run("raw eth0 192.0.2.2 2101c80100010000c00002640000000000000000") // checksum 0: wrong
	want := []struct{ chk, vers, vrid uint64 }{{1, 0, 2}, {0, 1, 0}}
	for i, in := range h.d.insts {
		s := jsonOf(in).Stats
		if got := (struct{ chk, vers, vrid uint64 }{s.ChkErr, s.VersErr, s.VridErr}); got != want[i] {
			t.Errorf("%s: chk_err/vers_err/vrid_err %v, want %v", in.cfg.Name, got, want[i])
		}
	}
}
