package daemon

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// The snapshot carries what the operations side shows: states, the
// master and its interval, peers, sync groups, per-interface drops and the
// reload history with its changes.
func TestSnapshotContents(t *testing.T) {
	h := newHarness(t, syncGroup+instanceText("VI_C", "eth0", 3, 100, "192.0.2.30/24"), "eth0=192.0.2.1", "eth1=198.51.100.1")
	h.run("advert eth0 from 192.0.2.2 vrid 3 prio 200")
	h.run("advert eth0 from 192.0.2.2 vrid 99 prio 200")
	h.run("advance 3s")
	h.run("advert eth0 from 192.0.2.2 vrid 3 prio 200")
	h.run("advance 1s")
	s := h.d.snapshot()
	byName := map[string]status.Instance{}
	for _, in := range s.Instances {
		byName[in.Name] = in
	}
	a, c := byName["VI_A"], byName["VI_C"]
	if a.State != "MASTER" || a.SyncGroup != "G1" || a.MasterAddr != "192.0.2.1" || a.MasterPriority != 150 ||
		a.Family != "inet" || a.VRID != 1 {
		t.Errorf("VI_A: %+v", a)
	}
	if c.State != "BACKUP" || c.MasterAddr != "192.0.2.2" || c.MasterPriority != 200 || time.Duration(c.MasterAdvertInt) != time.Second {
		t.Errorf("VI_C: %+v", c)
	}
	if a.Stats.AdvertsSent == 0 || a.Stats.GARPSent != 5 || a.Stats.BecameMaster != 1 || c.Stats.AdvertsReceived != 2 {
		t.Errorf("stats: VI_A %+v, VI_C %+v", a.Stats, c.Stats)
	}
	if len(s.SyncGroups) != 1 || s.SyncGroups[0].Name != "G1" || s.SyncGroups[0].State != "MASTER" ||
		strings.Join(s.SyncGroups[0].Members, ",") != "VI_A,VI_B" {
		t.Errorf("sync groups: %+v", s.SyncGroups)
	}
	if len(s.Peers) != 1 || s.Peers[0].Instance != "VI_C" || s.Peers[0].Addr != "192.0.2.2" || s.Peers[0].Priority != 200 {
		t.Errorf("peers: %+v", s.Peers)
	}
	if len(s.Interfaces) != 2 || s.Interfaces[0].Name != "eth0" || s.Interfaces[0].Drops["vrid"] != 1 {
		t.Errorf("interfaces: %+v", s.Interfaces)
	}
	// Maps and slices are the snapshot's own: changing the daemon later
	// does not change a snapshot already handed out.
	h.run("advert eth0 from 192.0.2.2 vrid 99 prio 200")
	if s.Interfaces[0].Drops["vrid"] != 1 {
		t.Error("the snapshot shares its drop counters with the daemon")
	}
	if _, err := json.Marshal(s); err != nil {
		t.Fatal(err)
	}
}

// A reload's history entry lists what changed, and whether each object
// kept its VRRP state.
func TestReloadChanges(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	h.advance(4 * time.Second)
	next := strings.Replace(twoInstances, "192.0.2.200/24", "192.0.2.201/24", 1)
	next = strings.Replace(next, "priority 150", "priority 160", 1)
	h.reload(next)
	r := h.d.history[len(h.d.history)-1]
	want := map[string]bool{"vip add 192.0.2.201/24": true, "vip remove 192.0.2.200/24": true, "instance change VI_1": true}
	for _, c := range r.Changes {
		k := c.Kind + " " + c.Op + " " + c.Object
		if !want[k] {
			t.Errorf("unexpected change %q", k)
		}
		if !c.KeepsState {
			t.Errorf("%q does not keep state", k)
		}
		delete(want, k)
	}
	if len(want) > 0 || r.Result != "applied" || r.ConfigHash != h.d.configHash {
		t.Errorf("missing %v; result %q", want, r.Result)
	}
	if !h.sys.holds(mustPrefix("192.0.2.201/24")) || h.sys.holds(mustPrefix("192.0.2.200/24")) {
		t.Error("the master's VIP was not moved to the new address")
	}
	h.reload(next + "vrrp_instance broken {\n")
	r = h.d.history[len(h.d.history)-1]
	if r.Result != "refused" || !strings.Contains(r.Error, "keepalived.conf:") {
		t.Errorf("broken file: result %q, error %q (want FILE:LINE)", r.Result, r.Error)
	}
}

// SIGUSR1's text names each instance's state, master and addresses.
func TestDataText(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	h.advance(4 * time.Second)
	got := string(h.d.dataText())
	for _, want := range []string{" VRRP Instance = VI_1", "State = MASTER", "Interface = eth0", "Virtual Router ID = 1",
		"Effective priority = 100", "Source address = 192.0.2.1", "Virtual IP = 192.0.2.100/24 dev eth0"} {
		if !strings.Contains(got, want) {
			t.Errorf("data dump lacks %q:\n%s", want, got)
		}
	}
}

// The stats-clear signal zeroes instance and interface counters.
func TestClearStats(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	h.run("advert eth0 from 192.0.2.2 vrid 9 prio 200")
	h.run("advert eth0 from 192.0.2.2 vrid 1 prio 200 ttl 1")
	h.advance(4 * time.Second)
	h.d.clearStats()
	s := h.d.snapshot()
	if st := s.Instances[0].Stats; st.AdvertsSent != 0 || len(st.Drops) != 0 || len(s.Interfaces[0].Drops) != 0 {
		t.Errorf("after clear: %+v, interface drops %v", st, s.Interfaces[0].Drops)
	}
}

func TestCheckCapabilitiesNeedsNothingForCheckOnlyWithoutServers(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	if err := checkCapabilities(h.d.cfg, Options{CheckOnly: true, VRRPOnly: true}); err != nil {
		t.Errorf("nothing needed, got %v", err)
	}
	ok, err := haveCapability(capNetAdmin)
	if err != nil {
		t.Skip(err)
	}
	err = checkCapabilities(h.d.cfg, Options{})
	if ok && err != nil {
		t.Errorf("with CAP_NET_ADMIN: %v", err)
	}
	if !ok && (err == nil || !strings.Contains(err.Error(), "CAP_NET_ADMIN")) {
		t.Errorf("without CAP_NET_ADMIN: %v, want a message naming it", err)
	}
}

// A reload that adds a vrrp_script and the track_script naming it restarts
// the instance with the new tracker, not without the instance: the
// definitions a restarted instance resolves are the new file's.
func TestReloadAddsScriptAndItsTracker(t *testing.T) {
	const secure = "global_defs {\n    enable_script_security\n    script_user root\n}\n"
	h := newHarness(t, secure+instanceText("VI_1", "eth0", 1, 150, "192.0.2.100/24"), "eth0=192.0.2.1")
	h.advance(4 * time.Second)
	h.reload(secure + tracked)
	r := h.d.history[len(h.d.history)-1]
	if r.Result != "applied" || len(h.d.insts) != 1 {
		t.Fatalf("reload %q (%s), %d instances, changes %+v", r.Result, r.Error, len(h.d.insts), r.Changes)
	}
	for _, c := range r.Changes {
		if c.Op == "remove" {
			t.Errorf("the reload removed %s %s: %s", c.Kind, c.Object, c.Detail)
		}
	}
	h.run("track script chk_web down")
	if got := h.d.snapshot().Instances[0].EffectivePriority; got != 90 {
		t.Errorf("effective priority %d after chk_web failed, want 150-60", got)
	}
}
