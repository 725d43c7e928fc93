package daemon

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// runLoop runs the daemon's loop as Run does, until the test ends.
func runLoop(t testing.TB, h *harness) {
	ctx, cancel := context.WithCancel(context.Background())
	h.d.ctx = ctx
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.d.loop(ctx, nil)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// The API methods answer from the loop, from another goroutine.
func TestAPIFromOtherGoroutines(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	runLoop(t, h)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := h.d.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Instances) != 2 || s.Instances[0].Name != "VI_1" || s.Instances[0].State != "BACKUP" || s.PID != os.Getpid() {
		t.Fatalf("snapshot: %+v", s)
	}
	if s.ConfigHash == "" || len(s.ConfigHash) != 64 {
		t.Errorf("config hash %q, want a hex SHA-256", s.ConfigHash)
	}
	if err := h.d.Maintenance(ctx, "VI_2", true); err != nil {
		t.Fatal(err)
	}
	if err := h.d.Maintenance(ctx, "nope", true); err == nil {
		t.Error("maintenance of an unknown instance: no error")
	}
	s, _ = h.d.Snapshot(ctx)
	if !s.Instances[1].Maintenance || s.Instances[0].Maintenance {
		t.Errorf("maintenance flags: %v %v, want false true", s.Instances[0].Maintenance, s.Instances[1].Maintenance)
	}
	if err := h.d.Drain(ctx, "TCP 192.0.2.10:80", "192.0.2.21:80", true); !errors.Is(err, errNoLVS) {
		t.Errorf("drain without LVS: %v, want errNoLVS", err)
	}
	r, err := h.d.Reload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Result != "unchanged" || r.ConfigHash != s.ConfigHash {
		t.Errorf("reload of the same file: %+v", r)
	}
	s, _ = h.d.Snapshot(ctx)
	if len(s.Reloads) != 1 || !s.Instances[1].Maintenance {
		t.Errorf("after reload: %d reloads, maintenance %v", len(s.Reloads), s.Instances[1].Maintenance)
	}
}

// A stopped daemon answers API calls with an error instead of hanging.
func TestAPIAfterStop(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	ctx, cancel := context.WithCancel(context.Background())
	h.d.ctx = ctx
	cancel()
	for len(h.d.events) < cap(h.d.events) {
		h.d.events <- evAddr{ifname: "eth9"}
	}
	if _, err := h.d.Snapshot(context.Background()); !errors.Is(err, errStopping) {
		t.Errorf("snapshot after stop: %v, want errStopping", err)
	}
}

// SIGHUPs during a reload coalesce into one more read, and a flood of
// packets filling the queue cannot deadlock the loop: the reader posts
// without holding anything the loop needs.
func TestReloadUnderFloodNoDeadlock(t *testing.T) {
	h := newHarness(t, twoInstances, "eth0=192.0.2.1")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.d.ctx = ctx
	s := h.d.socks[sockKey{"eth0", 4}]
	go func() {
		junk := []byte{0x21, 0x63} // truncated, for VRID 99: counted, never logged
		for ctx.Err() == nil {
			h.d.post(evPacket{sock: s, at: epoch, data: junk, rx: vrrp.RxFacts{Src: netip.MustParseAddr("192.0.2.9"), Dst: vrrp.Group(vrrp.IPv4)}})
		}
	}()
	for len(h.d.events) < cap(h.d.events) {
		time.Sleep(time.Millisecond) // the flood fills the queue first
	}
	for range 50 {
		h.d.requestReload(nil)
	}
	deadline := time.Now().Add(20 * time.Second)
	for h.d.reloading || len(h.d.history) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("reloads never completed under the flood (%d done)", len(h.d.history))
		}
		select {
		case ev := <-h.d.events:
			h.d.handle(ev)
		case <-time.After(5 * time.Second):
			t.Fatal("loop starved")
		}
	}
	if n := len(h.d.history); n != 2 {
		t.Errorf("50 SIGHUPs during one read gave %d reloads, want 2 (the read under way and one more)", n)
	}
	if s.drops[dropTruncated] == 0 {
		t.Errorf("flood packets were not counted as truncated: %v", s.drops)
	}
}

func TestReloadHistoryKeepsLast32(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	for range reloadHistory + 5 {
		h.reload(oneInstance)
	}
	if len(h.d.history) != reloadHistory {
		t.Errorf("history holds %d, want %d", len(h.d.history), reloadHistory)
	}
}

func TestCapInStatus(t *testing.T) {
	const status = "Name:\tgovrrpd\nCapInh:\t0000000000000000\nCapEff:\t0000000000003000\n"
	for _, c := range []struct {
		c    capability
		want bool
	}{{capNetAdmin, true}, {capNetRaw, true}, {capability{"CAP_SYS_ADMIN", 21}, false}} {
		got, err := capInStatus(status, c.c)
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.c.name, got, err, c.want)
		}
	}
	if _, err := capInStatus("Name:\tx\n", capNetRaw); err == nil {
		t.Error("no CapEff line: no error")
	}
	only := "CapEff:\t0000000000001000\n" // CAP_NET_ADMIN alone
	if ok, _ := capInStatus(only, capNetRaw); ok {
		t.Error("CAP_NET_RAW found in a mask without it")
	}
}

// master_adver_int is the master's advertised interval on a backup.
func TestJSONMasterAdverInt(t *testing.T) {
	conf := `
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 1
    priority 100
    version 3
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`
	h := newHarness(t, conf, "eth0=192.0.2.1")
	h.run("advert eth0 from 192.0.2.2 vrid 1 prio 200 ver 3 int 10s")
	j := jsonOf(h.d.insts[0])
	if j.Data.MasterAdverInt != 10 || j.Data.AdverInt != 1 {
		t.Errorf("adver_int %v master_adver_int %v, want 1 and 10", j.Data.AdverInt, j.Data.MasterAdverInt)
	}
}
