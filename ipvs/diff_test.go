package ipvs

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"syscall"
	"testing"
)

func key(s string) ServiceKey {
	ap := netip.MustParseAddrPort(s)
	return ServiceKey{Family: addrFamily(ap.Addr()), Protocol: TCP, Addr: ap.Addr(), Port: ap.Port()}
}

func svc(k ServiceKey, sched string) Service {
	nm := uint32(0xffffffff)
	if k.Family == 6 {
		nm = 128
	}
	return Service{Key: k, Scheduler: sched, Netmask: nm}
}

func dest(a string, w int) Dest { return Dest{Addr: netip.MustParseAddrPort(a), Weight: w} }

func table(entries ...*Entry) Table {
	t := Table{}
	for _, e := range entries {
		t[e.Service.Key] = e
	}
	return t
}

func entry(s Service, ds ...Dest) *Entry {
	e := &Entry{Service: s, Dests: map[netip.AddrPort]Dest{}}
	for _, d := range ds {
		e.Dests[d.Addr] = d
	}
	return e
}

func opStrings(ops []Op) string {
	var b []string
	for _, o := range ops {
		s := o.Kind.String() + " " + o.Service.Key.String()
		if o.Kind >= AddDest {
			s += fmt.Sprintf(" %s/%d", o.Dest.Addr, o.Dest.Weight)
		}
		b = append(b, s)
	}
	return strings.Join(b, "; ")
}

func TestDiff(t *testing.T) {
	a, b := key("192.0.2.1:80"), key("192.0.2.2:80")
	foreign := key("198.51.100.9:443")
	sa, sb := svc(a, "wlc"), svc(b, "rr")
	r1, r2 := dest("198.51.100.1:80", 1), dest("198.51.100.2:80", 1)
	hashed := sa
	hashed.Flags |= FlagHashed
	tests := []struct {
		name             string
		desired, current Table
		owned            []ServiceKey
		want             string
	}{
		{"empty", Table{}, Table{}, nil, ""},
		{"from empty", table(entry(sa, r2, r1)), Table{}, nil,
			"add-service 192.0.2.1:80/TCP; add-dest 192.0.2.1:80/TCP 198.51.100.1:80/1; add-dest 192.0.2.1:80/TCP 198.51.100.2:80/1"},
		{"equal", table(entry(sa, r1)), table(entry(sa, r1)), nil, ""},
		{"hashed flag ignored", table(entry(sa, r1)), table(entry(hashed, r1)), nil, ""},
		{"scheduler change", table(entry(svc(a, "rr"), r1)), table(entry(sa, r1)), nil, "update-service 192.0.2.1:80/TCP"},
		{"weight change", table(entry(sa, dest("198.51.100.1:80", 5))), table(entry(sa, r1)), nil,
			"update-dest 192.0.2.1:80/TCP 198.51.100.1:80/5"},
		{"dest swap", table(entry(sa, r2)), table(entry(sa, r1)), nil,
			"del-dest 192.0.2.1:80/TCP 198.51.100.1:80/1; add-dest 192.0.2.1:80/TCP 198.51.100.2:80/1"},
		{"foreign left alone", table(entry(sa, r1)), table(entry(sa, r1), entry(svc(foreign, "rr"), r2)), nil, ""},
		{"owned removed first", table(entry(sb)), table(entry(sa, r1)), []ServiceKey{a},
			"del-service 192.0.2.1:80/TCP; add-service 192.0.2.2:80/TCP"},
		{"adopted service pruned", table(entry(sa, r1)), table(entry(sa, r1, r2)), nil,
			"del-dest 192.0.2.1:80/TCP 198.51.100.2:80/1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			owned := map[ServiceKey]bool{}
			for _, k := range tc.owned {
				owned[k] = true
			}
			got := opStrings(Diff(tc.desired, tc.current, func(k ServiceKey) bool { return owned[k] }))
			if got != tc.want {
				t.Errorf("ops:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// randomTable draws a table over a small key space so that desired and
// current overlap in every way: same, changed, missing on either side.
func randomTable(rng *rand.Rand) Table {
	t := Table{}
	scheds := []string{"rr", "wlc", "sh", "mh"}
	for range rng.IntN(8) {
		var k ServiceKey
		switch rng.IntN(3) {
		case 0:
			k = ServiceKey{Family: 4, FWMark: uint32(1 + rng.IntN(3))}
		case 1:
			k = key(fmt.Sprintf("192.0.2.%d:%d", 1+rng.IntN(3), 80+rng.IntN(2)))
		default:
			k = key(fmt.Sprintf("[2001:db8::%d]:80", 1+rng.IntN(3)))
		}
		s := svc(k, scheds[rng.IntN(len(scheds))])
		if rng.IntN(3) == 0 {
			s.Flags, s.Timeout = FlagPersistent, uint32(rng.IntN(600))
		}
		e := entry(s)
		for range rng.IntN(5) {
			var a netip.AddrPort
			if k.Family == 6 {
				a = netip.MustParseAddrPort(fmt.Sprintf("[2001:db8:1::%d]:80", 1+rng.IntN(4)))
			} else {
				a = netip.MustParseAddrPort(fmt.Sprintf("198.51.100.%d:80", 1+rng.IntN(4)))
			}
			lt := uint32(rng.IntN(3))
			e.Dests[a] = Dest{Addr: a, Weight: rng.IntN(4), Method: Method(rng.IntN(3)), UThreshold: lt + uint32(rng.IntN(3)), LThreshold: lt}
		}
		t[k] = e
	}
	return t
}

func load(t *testing.T, m *Memory, tab Table) {
	t.Helper()
	if _, err := ApplyOps(m, Diff(tab, Table{}, nil)); err != nil {
		t.Fatal(err)
	}
}

// TestDiffProperty: for random desired and current tables, applying the
// diff to a memory table holding current yields desired (on the owned
// services, foreign ones untouched), and a second diff is empty.
func TestDiffProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for i := range 2000 {
		desired, current := randomTable(rng), randomTable(rng)
		m := NewMemory()
		load(t, m, current)
		ownAll := rng.IntN(2) == 0
		owned := func(ServiceKey) bool { return ownAll }
		ops := Diff(desired, current, owned)
		if _, err := ApplyOps(m, ops); err != nil {
			t.Fatalf("case %d: %v\nops %s", i, err, opStrings(ops))
		}
		got, err := Read(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, e := range desired {
			if g := got[k]; g == nil || !g.Service.Equal(e.Service) || fmt.Sprint(g.Dests) != fmt.Sprint(e.Dests) {
				t.Fatalf("case %d: service %s differs after apply\n%s", i, k, m)
			}
		}
		for k := range current {
			if _, d := desired[k]; !d && (got[k] != nil) == ownAll {
				t.Fatalf("case %d: foreign/owned service %s wrongly kept or deleted", i, k)
			}
		}
		if again := Diff(desired, got, owned); len(again) != 0 {
			t.Fatalf("case %d: second diff not empty: %s", i, opStrings(again))
		}
	}
}

// errnoCase is one kernel answer the memory backend must reproduce; the
// same cases run against the real kernel in the VM.
type errnoCase struct {
	name string
	pre  []Op
	op   Op
	want error
}

func errnoCases() []errnoCase {
	a := key("192.0.2.1:80")
	s := svc(a, "wlc")
	d := dest("198.51.100.1:80", 1)
	add := Op{Kind: AddService, Service: s}
	return []errnoCase{
		{"unknown scheduler", nil, Op{Kind: AddService, Service: svc(a, "nope")}, syscall.ENOENT},
		{"unknown pe", nil, Op{Kind: AddService, Service: Service{Key: a, Scheduler: "rr", Netmask: 0xffffffff, PE: "x"}}, syscall.ENOENT},
		{"duplicate service", []Op{add}, add, syscall.EEXIST},
		{"update missing service", nil, Op{Kind: UpdateService, Service: s}, syscall.ESRCH},
		{"delete missing service", nil, Op{Kind: DelService, Service: s}, syscall.ESRCH},
		{"dest on missing service", nil, Op{Kind: AddDest, Service: s, Dest: d}, syscall.ESRCH},
		{"duplicate dest", []Op{add, {Kind: AddDest, Service: s, Dest: d}}, Op{Kind: AddDest, Service: s, Dest: d}, syscall.EEXIST},
		{"update missing dest", []Op{add}, Op{Kind: UpdateDest, Service: s, Dest: d}, syscall.ENOENT},
		{"delete missing dest", []Op{add}, Op{Kind: DelDest, Service: s, Dest: d}, syscall.ENOENT},
		{"negative weight", []Op{add}, Op{Kind: AddDest, Service: s, Dest: dest("198.51.100.1:80", -1)}, syscall.ERANGE},
		{"lthreshold above uthreshold", []Op{add}, Op{Kind: AddDest, Service: s, Dest: Dest{Addr: d.Addr, LThreshold: 5, UThreshold: 2}}, syscall.ERANGE},
	}
}

func runErrnoCases(t *testing.T, fresh func(t *testing.T) Backend) {
	for _, tc := range errnoCases() {
		t.Run(tc.name, func(t *testing.T) {
			b := fresh(t)
			for _, op := range tc.pre {
				if err := b.Apply(op); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Apply(tc.op); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestMemoryKernelErrors(t *testing.T) {
	runErrnoCases(t, func(*testing.T) Backend { return NewMemory() })
}

func TestApplyOpsSkipsDestsOfFailedService(t *testing.T) {
	m := NewMemory()
	bad := svc(key("192.0.2.1:80"), "nosuch")
	good := svc(key("192.0.2.2:80"), "rr")
	ops := []Op{{Kind: AddService, Service: bad}, {Kind: AddDest, Service: bad, Dest: dest("198.51.100.1:80", 1)},
		{Kind: AddService, Service: good}, {Kind: AddDest, Service: good, Dest: dest("198.51.100.1:80", 1)}}
	done, err := ApplyOps(m, ops)
	var oe OpError
	if !errors.As(err, &oe) || !errors.Is(err, syscall.ENOENT) || oe.Op.Kind != AddService {
		t.Fatalf("err = %v", err)
	}
	if len(done) != 2 || strings.Count(err.Error(), "ipvs") != 1 {
		t.Fatalf("done %s, err %v", opStrings(done), err)
	}
}

// FuzzDiff drives the diff with tables derived from arbitrary bytes: the
// ops must always apply cleanly and converge.
func FuzzDiff(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(0), uint64(0))
	f.Add(uint64(42), uint64(7))
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		rng := rand.New(rand.NewPCG(s1, s2))
		desired, current := randomTable(rng), randomTable(rng)
		m := NewMemory()
		load(t, m, current)
		if _, err := ApplyOps(m, Diff(desired, current, func(ServiceKey) bool { return true })); err != nil {
			t.Fatal(err)
		}
		got, _ := Read(m, nil)
		if again := Diff(desired, got, func(ServiceKey) bool { return true }); len(again) != 0 {
			t.Fatalf("not converged: %s", opStrings(again))
		}
	})
}
