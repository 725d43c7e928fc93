package check_test

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/internal/lvs"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/srcpos"
)

// realServer is a loopback TCP server the test can kill and revive on the
// same port.
type realServer struct {
	addr netip.AddrPort
	l    net.Listener
}

func startReal(t *testing.T, addr string) *realServer {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go acceptAndClose(l)
	rs := &realServer{addr: netip.MustParseAddrPort(l.Addr().String()), l: l}
	t.Cleanup(func() { rs.l.Close() })
	return rs
}

func (r *realServer) kill()               { r.l.Close() }
func (r *realServer) revive(t *testing.T) { r.l = startReal(t, r.addr.String()).l }
func destsOf(m *ipvs.Memory, k ipvs.ServiceKey) string {
	e := m.Table()[k]
	if e == nil {
		return "absent"
	}
	var out []string
	for a, d := range e.Dests {
		out = append(out, fmt.Sprintf("%s=%d", a, d.Weight))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestEndToEndCheckToIPVS wires the scheduler's results into the IPVS
// reconciler over the in-memory table through the daemon's own conversion
// (lvs.HealthOf), and kills and revives real servers: a dead one leaves
// (or drops to weight 0 when inhibited) within delay_loop plus its
// retries, comes back when it recovers, and losing quorum installs the
// sorry server and runs quorum_down.
func TestEndToEndCheckToIPVS(t *testing.T) {
	a := startReal(t, "127.0.0.1:0")
	b := startReal(t, "127.0.0.1:0")
	sorryAddr := netip.MustParseAddrPort("127.0.0.1:9")
	inhibit := true
	// vsQ needs both servers (quorum 2) and has a sorry server; vsI keeps a
	// dead server at weight 0 (inhibit_on_failure).
	vsQ := ipvs.VirtualServer{Addr: netip.MustParseAddrPort("192.0.2.10:80"), Protocol: ipvs.TCP, Scheduler: "wrr",
		Quorum: 2, Opts: &ipvs.VirtualOptions{QuorumDown: &script.Spec{Raw: "/bin/qdown"}, QuorumUp: &script.Spec{Raw: "/bin/qup"},
			Sorry: &ipvs.RealServer{Addr: sorryAddr, Weight: 1}},
		Reals: []ipvs.RealServer{{Addr: a.addr, Weight: 1}, {Addr: b.addr, Weight: 1}}}
	vsI := ipvs.VirtualServer{Addr: netip.MustParseAddrPort("192.0.2.11:80"), Protocol: ipvs.TCP, Scheduler: "wrr",
		Quorum: 1, Reals: []ipvs.RealServer{{Addr: a.addr, Weight: 3, Inhibit: &inhibit}}}
	mem := ipvs.NewMemory()
	rec := ipvs.NewReconciler(mem, quiet)
	if _, err := rec.Load(ipvs.Config{Servers: []ipvs.VirtualServer{vsQ, vsI}}); err != nil {
		t.Fatal(err)
	}
	kQ := ipvs.ServiceKey{Family: 4, Protocol: ipvs.TCP, Addr: vsQ.Addr.Addr(), Port: 80}
	kI := ipvs.ServiceKey{Family: 4, Protocol: ipvs.TCP, Addr: vsI.Addr.Addr(), Port: 80}

	const loop, dbr, timeout = 100 * time.Millisecond, 50 * time.Millisecond, 200 * time.Millisecond
	mk := func(vs ipvs.VirtualServer, rs netip.AddrPort) check.Checker {
		return check.Checker{Kind: check.TCP, Source: srcpos.Make("e2e", 0), Target: check.Target{Service: vs.Key(), Real: rs},
			DelayLoop: loop, Retry: 1, DelayBeforeRetry: dbr, ConnectTimeout: timeout, Warmup: loop}
	}
	events := make(chan check.Result, 16)
	done := make(chan struct{})
	s, err := check.NewScheduler([]check.Checker{mk(vsQ, a.addr), mk(vsQ, b.addr), mk(vsI, a.addr)},
		check.ChanSink{C: events, Done: done}, check.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	defer func() { close(done); s.Stop() }()

	var actions []string
	// await feeds results to the reconciler until cond holds; the budget is
	// one interval plus the retries, plus scheduling slack.
	budget := loop + (dbr + timeout) + loop
	await := func(what string, cond func() bool) time.Duration {
		t.Helper()
		start := time.Now()
		deadline := time.After(2 * budget)
		for !cond() {
			select {
			case r := <-events:
				rep, err := rec.Health(lvs.HealthOf(r))
				if err != nil {
					t.Fatal(err)
				}
				for _, act := range rep.Actions {
					actions = append(actions, act.Kind.String()+" "+act.Service+" "+act.Script.Raw)
				}
			case <-deadline:
				t.Fatalf("%s: not reached within %v; table %s | %s; actions %q", what, 2*budget,
					destsOf(mem, kQ), destsOf(mem, kI), actions)
			}
		}
		took := time.Since(start)
		if took > budget {
			t.Errorf("%s took %v, budget %v", what, took, budget)
		}
		return took
	}
	pair := []string{a.addr.String() + "=1", b.addr.String() + "=1"}
	sort.Strings(pair)
	both := strings.Join(pair, " ")
	if destsOf(mem, kQ) != both || destsOf(mem, kI) != a.addr.String()+"=3" {
		t.Fatalf("start: %s | %s", destsOf(mem, kQ), destsOf(mem, kI))
	}
	a.kill()
	took := await("server A down", func() bool {
		return destsOf(mem, kQ) == sorryAddr.String()+"=1" && destsOf(mem, kI) == a.addr.String()+"=0"
	})
	t.Logf("A killed: sorry server installed and inhibited weight 0 after %v", took)
	if !contains(actions, "quorum_down 192.0.2.10:80/TCP /bin/qdown") {
		t.Fatalf("no quorum_down action: %q", actions)
	}
	a.revive(t)
	took = await("server A back", func() bool {
		return destsOf(mem, kQ) == both && destsOf(mem, kI) == a.addr.String()+"=3"
	})
	t.Logf("A revived: restored after %v", took)
	if !contains(actions, "quorum_up 192.0.2.10:80/TCP /bin/qup") {
		t.Fatalf("no quorum_up action: %q", actions)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
