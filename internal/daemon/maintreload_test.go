package daemon

import (
	"strings"
	"testing"
)

// TestMaintenanceSurvivesReload: an instance in maintenance stays BACKUP,
// and in maintenance, through a reload that changes it and keeps its
// state (priority) and one that restarts it (advert_int), with no master
// heard for many master-down intervals; lifting it lets it take over.
func TestMaintenanceSurvivesReload(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	h.run("advance 4s")
	h.run("maintenance VI_1 on")
	h.run("advance 700ms")
	h.run("advert eth0 from 192.0.2.2 vrid 1 prio 100")
	h.run("advance 30ms")
	held := func(when string) {
		t.Helper()
		in := h.d.snapshot().Instances[0]
		if in.State != "BACKUP" || !in.Maintenance {
			t.Fatalf("%s: VI_1 %s, maintenance %v; want BACKUP in maintenance", when, in.State, in.Maintenance)
		}
	}
	held("after the handover")
	prio := strings.Replace(twoInstances, "priority 150", "priority 160", 1)
	h.reload(prio)
	h.run("advance 10s")
	held("after a reload that changed its priority")
	if p := h.d.snapshot().Instances[0].Priority; p != 160 {
		t.Fatalf("the reload did not apply: priority %d", p)
	}
	restart := strings.Replace(prio, "advert_int 1\n    virtual_ipaddress {\n        192.0.2.100", "advert_int 2\n    virtual_ipaddress {\n        192.0.2.100", 1)
	h.reload(restart)
	if r := h.d.history[len(h.d.history)-1]; len(r.Changes) != 1 || r.Changes[0].KeepsState {
		t.Fatalf("the advert_int reload should restart VI_1: %+v", r.Changes)
	}
	h.run("advance 10s")
	held("after a reload that restarted it")
	h.run("maintenance VI_1 off")
	h.run("advance 10s")
	if in := h.d.snapshot().Instances[0]; in.State != "MASTER" || in.Maintenance {
		t.Errorf("maintenance off: VI_1 %s, maintenance %v; want MASTER", in.State, in.Maintenance)
	}
}
