package daemon

import (
	"testing"
	"time"
)

// Live says what the snapshot says of each instance's changing fields.
func TestLiveMatchesSnapshot(t *testing.T) {
	h := newHarness(t, syncGroup+instanceText("VI_C", "eth0", 3, 100, "192.0.2.30/24"), "eth0=192.0.2.1", "eth1=198.51.100.1")
	h.run("advance 3s")
	h.run("advert eth0 from 192.0.2.2 vrid 3 prio 200")
	h.run("advance 1s")
	s, l := h.d.snapshot(), h.d.live(nil)
	if len(l.Instances) != len(s.Instances) || l.ConfigHash != s.ConfigHash || l.ReloadStats != s.ReloadStats {
		t.Fatalf("live %+v, snapshot has %d instances, hash %s", l, len(s.Instances), s.ConfigHash)
	}
	for i, li := range l.Instances {
		si := s.Instances[i]
		master := ""
		if li.MasterAddr.IsValid() {
			master = li.MasterAddr.String()
		}
		if li.Name != si.Name || li.State != si.State || li.EffectivePriority != si.EffectivePriority || master != si.MasterAddr ||
			li.Maintenance != si.Maintenance || !li.LastTransition.Equal(si.LastTransition) || li.LastReason != si.LastReason {
			t.Errorf("live %+v, snapshot %+v", li, si)
		}
	}
	if c := l.Instances[len(l.Instances)-1]; c.Name != "VI_C" || c.State != "BACKUP" || c.MasterAddr.String() != "192.0.2.2" {
		t.Errorf("VI_C: %+v", c)
	}
}

// At 4,080 masters, Live into a reused buffer allocates nothing, where a
// Snapshot's megabytes a second would run the collector against the
// daemon's memory limit several times a second.
func TestLiveAllocatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 4,080 instances")
	}
	h := buildHarness(t, scaleConf(16, 255, 150), scaleIfaces(16)...)
	h.log.off = true
	h.start()
	h.advance(4 * time.Second)
	buf := h.d.live(nil).Instances
	if len(buf) != 4080 {
		t.Fatalf("%d instances", len(buf))
	}
	if n := testing.AllocsPerRun(5, func() { buf = h.d.live(buf[:0]).Instances }); n != 0 {
		t.Errorf("Live at 4,080 instances: %v allocations, want none", n)
	}
}
