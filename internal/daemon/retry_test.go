package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// A VIP that keeps failing: FAULT each time, retries 1, 2, 4, ... s up to
// 30 s, and never an advert claiming mastership.
func TestVIPRetryBackoff(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	in := h.d.insts[0]
	h.run("fail-add 192.0.2.100/24")
	var backoffs []time.Duration
	last := time.Duration(0)
	for range 200 {
		h.advance(time.Second)
		if in.retry != last {
			backoffs = append(backoffs, in.retry)
			last = in.retry
		}
	}
	want := []time.Duration{1, 2, 4, 8, 16, 30}
	if len(backoffs) != len(want) {
		t.Fatalf("backoffs %v, want %v s", backoffs, want)
	}
	for i, w := range want {
		if backoffs[i] != w*time.Second {
			t.Errorf("backoff %d: %v, want %v", i, backoffs[i], w*time.Second)
		}
	}
	for _, l := range h.log.lines {
		if strings.Contains(l, "send ") && !strings.Contains(l, "prio=0 ") {
			t.Fatalf("advertised a mastership it could not serve: %s", l)
		}
	}
	if in.stats.becomeMaster != 0 {
		t.Errorf("counted %d masterships", in.stats.becomeMaster)
	}
	// The address can be added again: master, and the backoff resets.
	h.run("ok-add 192.0.2.100/24")
	h.advance(35 * time.Second)
	if in.m.State() != vrrp.StateMaster || in.retry != 0 || !h.sys.holds(mustPrefix("192.0.2.100/24")) {
		t.Errorf("after the fix: %v, retry %v", in.m.State(), in.retry)
	}
}
