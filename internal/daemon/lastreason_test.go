package daemon

import "testing"

// TestLastReason: the API's last_reason names why each state change
// happened — the transitions' cause, or the daemon's own words for an
// interface that went down or maintenance — and is never left over from
// an older change.
func TestLastReason(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	check := func(when string, want ...string) {
		t.Helper()
		for i, in := range h.d.snapshot().Instances {
			if in.State+" "+in.LastReason != want[i] {
				t.Errorf("%s: %s is %s %q, want %q", when, in.Name, in.State, in.LastReason, want[i])
			}
		}
	}
	check("at start", "BACKUP startup", "BACKUP startup")
	h.run("advance 4s")
	check("alone on the segment", "MASTER master down timer", "MASTER master down timer")
	h.run("maintenance VI_1 on")
	h.run("advance 700ms")
	h.run("advert eth0 from 192.0.2.2 vrid 1 prio 100")
	h.run("advance 30ms")
	check("after maintenance on", "BACKUP maintenance", "MASTER master down timer")
	h.run("maintenance VI_1 off")
	h.run("link eth0 down")
	check("link down", "FAULT interface eth0 down", "FAULT interface eth0 down")
	h.run("link eth0 up")
	check("link up", "BACKUP interface up", "BACKUP interface up")
	h.run("advance 4s")
	check("alone again", "MASTER master down timer", "MASTER master down timer")
}
