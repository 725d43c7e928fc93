package ipvs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/script"
)

func rs(a string, w int) RealServer {
	return RealServer{Addr: netip.MustParseAddrPort(a), Weight: w,
		Opts: &RealOptions{NotifyUp: &script.Spec{Raw: "/up " + a}, NotifyDown: &script.Spec{Raw: "/down " + a}}}
}

func vs(a string, reals ...RealServer) VirtualServer {
	return VirtualServer{Addr: netip.MustParseAddrPort(a), Protocol: TCP, Scheduler: "wrr", Quorum: 1, Reals: reals}
}

func actStrings(as []Action) string {
	var out []string
	for _, a := range as {
		s := a.Kind.String() + " " + a.Service
		if a.Real.IsValid() {
			s += " " + a.Real.String()
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func mustLoad(t *testing.T, r *Reconciler, cfg Config) Report {
	t.Helper()
	rep, err := r.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func weights(m *Memory, k ServiceKey) string {
	e := m.Table()[k]
	if e == nil {
		return "absent"
	}
	var out []string
	for _, a := range slices.SortedFunc(maps.Keys(e.Dests), netip.AddrPort.Compare) {
		out = append(out, fmt.Sprintf("%s=%d", a, e.Dests[a].Weight))
	}
	return strings.Join(out, " ")
}

func TestReconcilerAdoptReloadRelease(t *testing.T) {
	m := NewMemory()
	foreign := svc(key("198.51.100.9:443"), "rr")
	adopted := svc(key("192.0.2.1:80"), "wrr")
	for _, op := range []Op{{Kind: AddService, Service: foreign}, {Kind: AddDest, Service: foreign, Dest: dest("198.51.100.10:443", 1)},
		{Kind: AddService, Service: adopted}, {Kind: AddDest, Service: adopted, Dest: dest("198.51.100.1:80", 1)}} {
		if err := m.Apply(op); err != nil {
			t.Fatal(err)
		}
	}
	r := NewReconciler(m, nil)
	cfg := Config{Servers: []VirtualServer{
		vs("192.0.2.1:80", rs("198.51.100.1:80", 1), rs("198.51.100.2:80", 2)),
		vs("192.0.2.2:80", rs("198.51.100.3:80", 1)),
	}}
	rep := mustLoad(t, r, cfg)
	if got, want := opStrings(rep.Ops), "add-dest 192.0.2.1:80/TCP 198.51.100.2:80/2; add-service 192.0.2.2:80/TCP; add-dest 192.0.2.2:80/TCP 198.51.100.3:80/1"; got != want {
		t.Fatalf("initial ops:\n got %s\nwant %s", got, want)
	}
	if rep := mustLoad(t, r, cfg); len(rep.Ops) != 0 {
		t.Fatalf("unchanged reload issued %s", opStrings(rep.Ops))
	}
	cfg.Servers[1].Reals[0].Weight = 7
	if rep := mustLoad(t, r, cfg); opStrings(rep.Ops) != "update-dest 192.0.2.2:80/TCP 198.51.100.3:80/7" {
		t.Fatalf("one-change reload issued %s", opStrings(rep.Ops))
	}
	rep, err := r.Release()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := opStrings(rep.Ops), "del-service 192.0.2.2:80/TCP; del-dest 192.0.2.1:80/TCP 198.51.100.2:80/0"; got != want {
		t.Fatalf("release:\n got %s\nwant %s", got, want)
	}
	if weights(m, foreign.Key) != "198.51.100.10:443=1" || weights(m, adopted.Key) != "198.51.100.1:80=1" {
		t.Fatalf("release left:\n%s", m)
	}
}

func TestReconcilerReloadRemovesOnlyOwned(t *testing.T) {
	m := NewMemory()
	r := NewReconciler(m, nil)
	a, b := vs("192.0.2.1:80", rs("198.51.100.1:80", 1)), vs("192.0.2.2:80", rs("198.51.100.1:80", 1))
	mustLoad(t, r, Config{Servers: []VirtualServer{a, b}})
	foreign := svc(key("192.0.2.3:80"), "rr")
	if err := m.Apply(Op{Kind: AddService, Service: foreign}); err != nil {
		t.Fatal(err)
	}
	rep := mustLoad(t, r, Config{Servers: []VirtualServer{a}})
	if opStrings(rep.Ops) != "del-service 192.0.2.2:80/TCP" {
		t.Fatalf("ops %s", opStrings(rep.Ops))
	}
	if weights(m, foreign.Key) == "absent" {
		t.Fatal("foreign service deleted")
	}
}

func TestReconcilerHealth(t *testing.T) {
	inh := true
	v := vs("192.0.2.1:80", rs("198.51.100.1:80", 2), rs("198.51.100.2:80", 3))
	v.Reals[1].Inhibit = &inh
	k := key("192.0.2.1:80")
	tests := []struct {
		h       Health
		weights string
		acts    string
	}{
		{Health{Real: netip.MustParseAddrPort("198.51.100.1:80")}, "198.51.100.2:80=3", "notify_down 192.0.2.1:80/TCP 198.51.100.1:80"},
		{Health{Real: netip.MustParseAddrPort("198.51.100.2:80")}, "198.51.100.2:80=0", "notify_down 192.0.2.1:80/TCP 198.51.100.2:80; quorum_down 192.0.2.1:80/TCP"},
		{Health{Real: netip.MustParseAddrPort("198.51.100.2:80"), Up: true, Weight: 9, HasWeight: true}, "198.51.100.2:80=9", "notify_up 192.0.2.1:80/TCP 198.51.100.2:80; quorum_up 192.0.2.1:80/TCP"},
		{Health{Real: netip.MustParseAddrPort("198.51.100.1:80"), Up: true}, "198.51.100.1:80=2 198.51.100.2:80=9", "notify_up 192.0.2.1:80/TCP 198.51.100.1:80"},
		{Health{Real: netip.MustParseAddrPort("198.51.100.1:80"), Up: true}, "198.51.100.1:80=2 198.51.100.2:80=9", ""},
	}
	m := NewMemory()
	r := NewReconciler(m, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	for i, tc := range tests {
		tc.h.Service = v.Key()
		rep, err := r.Health(tc.h)
		if err != nil {
			t.Fatal(err)
		}
		if got := weights(m, k); got != tc.weights {
			t.Errorf("step %d: table %s, want %s", i, got, tc.weights)
		}
		if got := actStrings(rep.Actions); got != tc.acts {
			t.Errorf("step %d: actions %q, want %q", i, got, tc.acts)
		}
	}
	if _, err := r.Health(Health{Service: "nope", Real: tests[0].h.Real}); err == nil {
		t.Error("unknown service accepted")
	}
}

// TestReconcilerQuorumSorry walks quorum 5 with hysteresis 1 (lost below 4,
// regained at 6) and a sorry server with sorry_server_inhibit.
func TestReconcilerQuorumSorry(t *testing.T) {
	v := vs("192.0.2.1:80", rs("198.51.100.1:80", 3), rs("198.51.100.2:80", 3))
	v.Quorum, v.EditOptions().Hysteresis = 5, 1
	sorry := rs("198.51.100.99:80", 1)
	v.EditOptions().Sorry, v.EditOptions().SorryInhibit = &sorry, true
	v.EditOptions().QuorumUp, v.EditOptions().QuorumDown = &script.Spec{Raw: "/qup"}, &script.Spec{Raw: "/qdown"}
	k := key("192.0.2.1:80")
	m := NewMemory()
	r := NewReconciler(m, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	if got := weights(m, k); got != "198.51.100.1:80=3 198.51.100.2:80=3 198.51.100.99:80=0" {
		t.Fatalf("start: %s", got)
	}
	h := func(real string, up bool, w int) Report {
		rep, err := r.Health(Health{Service: v.Key(), Real: netip.MustParseAddrPort(real), Up: up, Weight: w, HasWeight: w >= 0})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	// 6 -> 4: still >= quorum-hysteresis, kept.
	if rep := h("198.51.100.1:80", true, 1); len(rep.Actions) != 0 {
		t.Fatalf("sum 4 changed quorum: %s", actStrings(rep.Actions))
	}
	// 4 -> 3: lost; sorry server replaces the live one.
	rep := h("198.51.100.2:80", false, -1)
	if actStrings(rep.Actions) != "notify_down 192.0.2.1:80/TCP 198.51.100.2:80; quorum_down 192.0.2.1:80/TCP" || rep.Actions[1].Script.Raw != "/qdown" {
		t.Fatalf("actions %s", actStrings(rep.Actions))
	}
	if got := weights(m, k); got != "198.51.100.99:80=1" {
		t.Fatalf("quorum lost: %s", got)
	}
	// 3 -> 5: below quorum+hysteresis, still lost.
	if rep := h("198.51.100.1:80", true, 5); len(rep.Actions) != 0 || weights(m, k) != "198.51.100.99:80=1" {
		t.Fatalf("sum 5: %s / %s", actStrings(rep.Actions), weights(m, k))
	}
	// 5 -> 6: regained.
	rep = h("198.51.100.1:80", true, 6)
	if actStrings(rep.Actions) != "quorum_up 192.0.2.1:80/TCP" {
		t.Fatalf("actions %s", actStrings(rep.Actions))
	}
	if got := weights(m, k); got != "198.51.100.1:80=6 198.51.100.99:80=0" {
		t.Fatalf("quorum regained: %s", got)
	}
}

func TestReconcilerAlphaOmegaInitNotifies(t *testing.T) {
	v := vs("192.0.2.1:80", rs("198.51.100.1:80", 1))
	v.Alpha, v.Omega = true, true
	m := NewMemory()
	r := NewReconciler(m, nil)
	rep := mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	if actStrings(rep.Actions) != "quorum_down 192.0.2.1:80/TCP" || weights(m, key("192.0.2.1:80")) != "" {
		t.Fatalf("alpha start: %s / %q", actStrings(rep.Actions), weights(m, key("192.0.2.1:80")))
	}
	if _, err := r.Health(Health{Service: v.Key(), Real: v.Reals[0].Addr, Up: true}); err != nil {
		t.Fatal(err)
	}
	rep, err := r.Release()
	if err != nil {
		t.Fatal(err)
	}
	if actStrings(rep.Actions) != "notify_down 192.0.2.1:80/TCP 198.51.100.1:80; quorum_down 192.0.2.1:80/TCP" {
		t.Fatalf("omega: %s", actStrings(rep.Actions))
	}
	v.Alpha = false
	r2 := NewReconciler(NewMemory(), nil)
	rep = mustLoad(t, r2, Config{Globals: Globals{RSInitNotifies: true}, Servers: []VirtualServer{v}})
	if actStrings(rep.Actions) != "notify_up 192.0.2.1:80/TCP 198.51.100.1:80" {
		t.Fatalf("rs_init_notifies: %s", actStrings(rep.Actions))
	}
}

// TestReconcilerReloadKeepsHealth: a failed real server stays out across a
// reload that does not touch it.
func TestReconcilerReloadKeepsHealth(t *testing.T) {
	v := vs("192.0.2.1:80", rs("198.51.100.1:80", 1), rs("198.51.100.2:80", 1))
	m := NewMemory()
	r := NewReconciler(m, nil)
	mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	if _, err := r.Health(Health{Service: v.Key(), Real: v.Reals[0].Addr}); err != nil {
		t.Fatal(err)
	}
	v.Scheduler = "rr"
	rep := mustLoad(t, r, Config{Servers: []VirtualServer{v}})
	if opStrings(rep.Ops) != "update-service 192.0.2.1:80/TCP" || weights(m, key("192.0.2.1:80")) != "198.51.100.2:80=1" {
		t.Fatalf("reload: %s / %s", opStrings(rep.Ops), weights(m, key("192.0.2.1:80")))
	}
}

func TestReconcilerGroupsAndErrors(t *testing.T) {
	groups := []Group{{Name: "G", Entries: []GroupEntry{
		{First: netip.MustParseAddr("192.0.2.10"), Last: netip.MustParseAddr("192.0.2.12"), Port: 80},
		{FWMark: 7, Family: 4},
	}}}
	g := VirtualServer{Group: "G", Protocol: TCP, Scheduler: "sh", Opts: &VirtualOptions{SchedFlags: []string{"sh-port"}}, Persistence: 300 * time.Second,
		Reals: []RealServer{rs("198.51.100.1:80", 1)}}
	bad := vs("192.0.2.50:80", rs("198.51.100.1:80", 1))
	bad.Forwarding = Forwarding{Method: TUN, TunType: "gue", TunPort: 6080}
	m := NewMemory()
	r := NewReconciler(m, nil)
	_, err := r.Load(Config{Servers: []VirtualServer{g, bad}, Groups: groups})
	if err == nil || !strings.Contains(err.Error(), "gue") {
		t.Fatalf("gue tunnel accepted: %v", err)
	}
	got := m.Table()
	if len(got) != 4 {
		t.Fatalf("group expanded to:\n%s", m)
	}
	for _, k := range got.Keys() {
		s := got[k].Service
		if s.Flags != FlagPersistent|FlagSched2 || s.Timeout != 300 || len(got[k].Dests) != 1 {
			t.Errorf("%s: %+v", k, s)
		}
	}
	mixed := VirtualServer{Group: "G6", Protocol: TCP, Reals: []RealServer{rs("198.51.100.1:80", 1)}}
	g6 := Group{Name: "G6", Entries: []GroupEntry{{First: netip.MustParseAddr("2001:db8::1"), Port: 80}}}
	if _, err := r.Load(Config{Servers: []VirtualServer{mixed}, Groups: []Group{g6}}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("mixed-family destination: %v", err)
	}
	if _, err := r.Load(Config{Servers: []VirtualServer{{Group: "missing", Protocol: TCP}}}); err == nil {
		t.Error("undefined group accepted")
	}
}

func TestServiceFor(t *testing.T) {
	v4 := vs("192.0.2.1:80")
	v4.EditOptions().PersistenceGranularity = netip.MustParseAddr("255.255.255.0")
	v4.Persistence, v4.OPS = time.Minute, true
	s, err := ServiceFor(v4, key("192.0.2.1:80"))
	if err != nil || s.Netmask != nativeMask(255, 255, 255, 0) || s.Flags != FlagPersistent|FlagOnePacket || s.Timeout != 60 {
		t.Fatalf("%+v %v", s, err)
	}
	v6 := vs("[2001:db8::1]:80")
	v6.EditOptions().PersistencePrefix = 64
	if s, err := ServiceFor(v6, key("[2001:db8::1]:80")); err != nil || s.Netmask != 64 {
		t.Fatalf("%+v %v", s, err)
	}
	v4.EditOptions().PersistenceGranularity = netip.MustParseAddr("255.0.255.0")
	if _, err := ServiceFor(v4, key("192.0.2.1:80")); err == nil {
		t.Fatal("non-contiguous mask accepted")
	}
	fw := VirtualServer{FWMark: 3, Protocol: TCP}
	ks, _ := ServiceKeys(fw, nil)
	if s, _ := ServiceFor(fw, ks[0]); s.Key != (ServiceKey{Family: 4, FWMark: 3}) || s.Scheduler != "wlc" {
		t.Fatalf("fwmark: %+v", s)
	}
}

func nativeMask(a, b, c, d byte) uint32 { return binary.NativeEndian.Uint32([]byte{a, b, c, d}) }

// TestReconcilerReloadReadsOnlyChanged: a reload reads the destinations of
// changed services only; an entry deleted by hand from an unchanged
// service stays deleted (as in keepalived) unless ReadAll is set.
func TestReconcilerReloadReadsOnlyChanged(t *testing.T) {
	cfg := Config{}
	for i := range 50 {
		cfg.Servers = append(cfg.Servers, vs(fmt.Sprintf("192.0.2.%d:80", i+1), rs("198.51.100.1:80", 1), rs("198.51.100.2:80", 1)))
	}
	b := &tallyBackend{Memory: NewMemory()}
	r := NewReconciler(b, nil)
	mustLoad(t, r, cfg)
	if b.dumps != 0 {
		t.Fatalf("initial load on an empty table read %d destination lists", b.dumps)
	}
	k := key("192.0.2.7:80")
	if err := b.Apply(Op{Kind: DelDest, Service: svc(k, "wrr"), Dest: dest("198.51.100.1:80", 1)}); err != nil {
		t.Fatal(err)
	}
	cfg.Servers[30].Reals[0].Weight = 4
	rep := mustLoad(t, r, cfg)
	if b.dumps != 1 || opStrings(rep.Ops) != "update-dest 192.0.2.31:80/TCP 198.51.100.1:80/4" {
		t.Fatalf("reload read %d lists, ops %s", b.dumps, opStrings(rep.Ops))
	}
	r.ReadAll = true
	rep = mustLoad(t, r, cfg)
	if opStrings(rep.Ops) != "add-dest 192.0.2.7:80/TCP 198.51.100.1:80/1" {
		t.Fatalf("ReadAll reload: %s", opStrings(rep.Ops))
	}
}

// BenchmarkReconcilerInitialLoad is the reconciler's own cost (expansion,
// diff, bookkeeping) for 1,000 services x 10 destinations, against the
// in-memory table: what it adds on top of the kernel's netlink time.
func BenchmarkReconcilerInitialLoad(b *testing.B) {
	cfg := Config{}
	for i := range 1000 {
		v := vs(fmt.Sprintf("192.0.2.%d:%d", i%250, 1000+i/250))
		for j := range 10 {
			v.Reals = append(v.Reals, rs(fmt.Sprintf("198.51.100.%d:8080", j+1), 1))
		}
		cfg.Servers = append(cfg.Servers, v)
	}
	var ops int
	for b.Loop() {
		rep, err := NewReconciler(NewMemory(), nil).Load(cfg)
		if err != nil {
			b.Fatal(err)
		}
		ops = len(rep.Ops)
	}
	b.ReportMetric(float64(ops), "ops")
}
