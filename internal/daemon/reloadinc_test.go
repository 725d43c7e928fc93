package daemon

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/ipvs"
)

// cfgObserver keeps the last configuration a reload applied.
type cfgObserver struct{ cfg *confparse.Config }

func (o *cfgObserver) Configured(c *confparse.Config) { o.cfg = c }
func (o *cfgObserver) Notified(notify.Event)          {}
func (o *cfgObserver) LVSAction(ipvs.Action)          {}

// syncBuf is a log sink the reader goroutine and the test share.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

// TestReloadReadsOnlyChangedBlocks: a reload after a real server's weight
// is edited reads only that block, says so at debug, and applies the
// edit; a refused reload keeps the running configuration's record, so the
// next edit is read incrementally again against it.
func TestReloadReadsOnlyChangedBlocks(t *testing.T) {
	var vs strings.Builder
	for i := range 20 {
		fmt.Fprintf(&vs, "virtual_server 192.0.2.%d 80 {\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n"+
			"    real_server 198.51.100.1 80 {\n        weight 1\n        TCP_CHECK {\n        }\n    }\n}\n", 10+i)
	}
	conf := oneInstance + vs.String()
	h := newHarness(t, conf, "eth0=192.0.2.1")
	h.run("advance 4s")
	var logs syncBuf
	h.d.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	obs := &cfgObserver{}
	h.d.opts.Observer = obs
	sighup := func(text string) (result, log string) {
		t.Helper()
		if err := os.WriteFile(h.conf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		h.d.requestReload(nil)
		for h.d.reloading {
			h.d.handle(<-h.d.events)
		}
		return h.d.history[len(h.d.history)-1].Result, logs.take()
	}
	// The harness starts without a record: the first read is whole.
	if res, log := sighup(conf); res != "unchanged" || !strings.Contains(log, `how="full: no record of the last load"`) {
		t.Fatalf("first SIGHUP: %s\n%s", res, log)
	}
	edited := strings.Replace(conf, "192.0.2.15 80 {\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n    real_server 198.51.100.1 80 {\n        weight 1",
		"192.0.2.15 80 {\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n    real_server 198.51.100.1 80 {\n        weight 2", 1)
	weight := func() int {
		for _, v := range obs.cfg.VirtualServers {
			if v.Addr.Addr().String() == "192.0.2.15" {
				return v.Reals[0].Weight
			}
		}
		return -1
	}
	res, log := sighup(edited)
	if res != "applied" || !strings.Contains(log, `how="incremental: `) || weight() != 2 {
		t.Fatalf("weight edit: %s, weight %d\n%s", res, weight(), log)
	}
	// A broken global_defs is read in full and refused.
	if res, log := sighup("global_defs {\n    vrrp_garp_interval x\n}\n" + strings.Replace(edited, "virtual_router_id", "virtual_router_id 300 #", 1)); res != "refused" || !strings.Contains(log, `how="full: `) {
		t.Fatalf("broken file: %s\n%s", res, log)
	}
	// Against the kept record, the weight set back is one block again.
	if res, log := sighup(conf); res != "applied" || !strings.Contains(log, `how="incremental: `) || weight() != 1 {
		t.Fatalf("weight set back: %s, weight %d\n%s", res, weight(), log)
	}
}
