package bfdsub

import (
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bfd"
	"github.com/govrrpd/govrrpd/confparse"
)

var quiet = slog.New(slog.DiscardHandler)

type changes struct {
	mu  sync.Mutex
	got []Change
}

func (c *changes) add(ch Change) { c.mu.Lock(); c.got = append(c.got, ch); c.mu.Unlock() }

func (c *changes) list() []Change {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Change(nil), c.got...)
}

func inst(name, neighbor string) confparse.BFDInstance {
	s := bfd.Defaults(name)
	s.Neighbor = netip.MustParseAddr(neighbor)
	s.MinRx, s.MinTx, s.Multiplier = 20*time.Millisecond, 20*time.Millisecond, 3
	return confparse.BFDInstance{Settings: s, ToVRRP: true, ToChecker: true}
}

// waitFor polls cond with a deadline generous enough for a loaded
// machine; BFD's own timers are what the test exercises, not its speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func state(s node, name string) bfd.State {
	for _, st := range s.Snapshot() {
		if st.Name == name {
			return st.State
		}
	}
	return 255
}

// node is a subsystem on its own loop; Reload and Stop run on the loop,
// as the daemon calls them.
type node struct {
	*Subsystem
	l *testLoop
}

func (n node) Reload(insts []confparse.BFDInstance) { n.l.call(func() { n.Subsystem.Reload(insts) }) }
func (n node) Stop()                                { n.l.stop(n.Subsystem) }

func start(t *testing.T, net Net, in confparse.BFDInstance, onChange func(Change)) node {
	t.Helper()
	l, s := newLoop(t, Options{Log: quiet, Net: net, OnChange: onChange})
	l.call(func() { s.Start([]confparse.BFDInstance{in}) })
	return node{s, l}
}

func pair(t *testing.T, f *fabric, a, b confparse.BFDInstance) (node, node, *changes, *changes) {
	t.Helper()
	ca, cb := &changes{}, &changes{}
	sa := start(t, f.host(b.Neighbor.String()), a, ca.add)
	sb := start(t, f.host(a.Neighbor.String()), b, cb.add)
	t.Cleanup(func() { sa.Stop(); sb.Stop() })
	return sa, sb, ca, cb
}

// TestSessionsComeUpAndDetectLoss: two subsystems over the fake network
// bring their sessions Up, report it once, and report Down with
// "detection time expired" when one side goes silent, and Up again
// when it speaks again.
func TestSessionsComeUpAndDetectLoss(t *testing.T) {
	for _, fam := range []struct{ a, b string }{{"192.0.2.1", "192.0.2.2"}, {"2001:db8::1", "2001:db8::2"}} {
		t.Run(fam.a, func(t *testing.T) {
			f := newFabric()
			a, b := inst("to-b", fam.b), inst("to-a", fam.a)
			b.TTL, a.TTL = 255, 255
			sa, sb, ca, _ := pair(t, f, a, b)
			waitFor(t, "both Up", func() bool { return state(sa, "to-b") == bfd.Up && state(sb, "to-a") == bfd.Up })
			waitFor(t, "the Up change", func() bool { return len(ca.list()) == 1 })
			if c := ca.list()[0]; !c.Up || c.Name != "to-b" || !c.ToVRRP || !c.ToChecker {
				t.Fatalf("change %+v", c)
			}
			f.setCut(netip.MustParseAddr(fam.b), true)
			waitFor(t, "Down", func() bool { return len(ca.list()) == 2 })
			if c := ca.list()[1]; c.Up || c.Diag != bfd.DiagDetectExpired {
				t.Fatalf("change %+v", c)
			}
			f.setCut(netip.MustParseAddr(fam.b), false)
			waitFor(t, "Up again", func() bool { return len(ca.list()) == 3 && ca.list()[2].Up })
		})
	}
}

// TestStopSendsAdminDown: the neighbour of a stopped subsystem goes Down
// at once with "neighbor signaled session down", not after detection; the
// stopped side reports nothing of its own AdminDown.
func TestStopSendsAdminDown(t *testing.T) {
	f := newFabric()
	a, b := inst("to-b", "192.0.2.2"), inst("to-a", "192.0.2.1")
	a.MinRx, a.Multiplier = time.Hour/2, 255 // b would need far longer than the deadline to detect
	sa, sb, ca, cb := pair(t, f, a, b)
	waitFor(t, "Up", func() bool { return state(sa, "to-b") == bfd.Up && state(sb, "to-a") == bfd.Up })
	sb.Stop()
	waitFor(t, "Down", func() bool { l := ca.list(); return len(l) == 2 })
	if n := len(cb.list()); n != 1 {
		t.Errorf("the stopped side reported %d changes, want only its Up: %+v", n, cb.list())
	}
	if c := ca.list()[1]; c.Up || c.Diag != bfd.DiagNeighborDown {
		t.Fatalf("change %+v", c)
	}
}

// TestTTLChecked: packets that crossed a router (TTL 254) never bring a
// single-hop session Up.
func TestTTLChecked(t *testing.T) {
	f := newFabric()
	f.ttlOf[netip.MustParseAddr("192.0.2.2")] = 254
	a, b := inst("to-b", "192.0.2.2"), inst("to-a", "192.0.2.1")
	sa, sb, _, _ := pair(t, f, a, b)
	// b hears a (TTL 255) and goes Init; a drops everything b sends.
	waitFor(t, "b Init", func() bool { return state(sb, "to-a") == bfd.Init })
	time.Sleep(100 * time.Millisecond)
	if st := state(sa, "to-b"); st != bfd.Down {
		t.Fatalf("a is %s with packets of TTL 254", st)
	}
}

// TestReloadKeepsSession: a reload that only changes timers keeps the
// session Up (no change reported) and a removed session goes down.
func TestReloadKeepsSession(t *testing.T) {
	f := newFabric()
	a, b := inst("to-b", "192.0.2.2"), inst("to-a", "192.0.2.1")
	sa, sb, ca, cb := pair(t, f, a, b)
	waitFor(t, "Up", func() bool { return state(sa, "to-b") == bfd.Up && state(sb, "to-a") == bfd.Up })
	a.MinTx = 40 * time.Millisecond
	sa.Reload([]confparse.BFDInstance{a})
	waitFor(t, "the new interval", func() bool {
		for _, st := range sb.Snapshot() {
			if st.DetectTime == 120*time.Millisecond {
				return true
			}
		}
		return false
	})
	if len(ca.list()) != 1 || len(cb.list()) != 1 {
		t.Fatalf("reload flapped: %v %v", ca.list(), cb.list())
	}
	sa.Reload(nil)
	waitFor(t, "b Down", func() bool { return len(cb.list()) == 2 && !cb.list()[1].Up })
	if len(sa.Snapshot()) != 0 {
		t.Fatal("removed session still listed")
	}
}

// TestDump: the SIGUSR1 text names each session, its settings in
// keepalived's wording and its state.
func TestDump(t *testing.T) {
	f := newFabric()
	a, b := inst("to-b", "192.0.2.2"), inst("to-a", "192.0.2.1")
	sa, sb, _, _ := pair(t, f, a, b)
	waitFor(t, "Up", func() bool { return state(sa, "to-b") == bfd.Up && state(sb, "to-a") == bfd.Up })
	got := string(sa.Dump())
	for _, want := range []string{"------< BFD Topology >------", " BFD Instance = to-b", "   Neighbor IP = 192.0.2.2",
		"   Required min RX interval = 20000 us", "   Detection multiplier = 3", "   TTL = 255",
		"   send event to VRRP process = Yes", "   local state = Up", "   remote state = Up"} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("dump lacks %q:\n%s", want, got)
		}
	}
}
