package main

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/ipvs"
)

// Each director's file lists the real servers in another order, and yet
// govrrpd adds them to the kernel in the same order on all three: the
// order that makes their Maglev tables identical (the kernel's mh fills
// its table walking the service's list, which is the insertion order).
func TestDirectorConfsGiveOneKernelOrder(t *testing.T) {
	var orders [][]netip.AddrPort
	var fileOrders [][]netip.AddrPort
	for i := range 3 {
		path := filepath.Join(t.TempDir(), "keepalived.conf")
		if err := os.WriteFile(path, []byte(directorConf(i, 3, allCases["mh"])), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, diags := confparse.Load(path, confparse.Options{})
		for _, d := range diags.Sorted() {
			if d.Severity != confparse.Info {
				t.Errorf("director %d: %v", i+1, d)
			}
		}
		if len(cfg.VirtualServers) != 1 {
			t.Fatalf("director %d: %d virtual servers", i+1, len(cfg.VirtualServers))
		}
		vs := cfg.VirtualServers[0]
		if vs.Scheduler != "mh" || !slices.Equal(vs.Options().SchedFlags, []string{"mh-port"}) || vs.Forwarding.Method != ipvs.DR || len(vs.Reals) != 3 {
			t.Fatalf("director %d: scheduler %s %v, method %v, %d real servers", i+1, vs.Scheduler, vs.Options().SchedFlags, vs.Forwarding.Method, len(vs.Reals))
		}
		var file []netip.AddrPort
		for _, r := range vs.Reals {
			file = append(file, r.Addr)
		}
		fileOrders = append(fileOrders, file)
		rep, err := ipvs.NewReconciler(ipvs.NewMemory(), nil).Load(ipvs.Config{Servers: cfg.VirtualServers})
		if err != nil {
			t.Fatal(err)
		}
		var kernel []netip.AddrPort
		for _, op := range rep.Ops {
			if op.Kind == ipvs.AddDest {
				kernel = append(kernel, op.Dest.Addr)
			}
		}
		orders = append(orders, kernel)
	}
	if slices.Equal(fileOrders[0], fileOrders[1]) {
		t.Fatalf("the directors' files list the real servers in one order (%v): nothing shown", fileOrders[0])
	}
	for i := range orders {
		if len(orders[i]) != 3 || !slices.Equal(orders[i], orders[0]) {
			t.Errorf("director %d adds %v, director 1 %v", i+1, orders[i], orders[0])
		}
	}
}

func TestParseConns(t *testing.T) {
	const table = `Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
TCP CB007102 A4F2 C00002C8 0050 C6336415 0050 ESTABLISHED     899
TCP CB007102 A4F3 C00002C8 0050 C6336416 0050 ESTABLISHED     898
TCP 2001:0db8:0000:0000:0000:0000:0000:0002 A4F4 2001:0db8:0000:0000:0000:0000:0000:00c8 0050 2001:0db8:0000:0000:0000:0000:0000:0015 0050 ESTABLISHED 897
`
	m, err := parseConns([]byte(table))
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint16]netip.Addr{0xA4F2: netip.MustParseAddr("198.51.100.21"), 0xA4F3: netip.MustParseAddr("198.51.100.22")}
	if len(m) != len(want) {
		t.Fatalf("%v, want %v", m, want)
	}
	for p, a := range want {
		if m[p] != a {
			t.Errorf("port %d: %v, want %v", p, m[p], a)
		}
	}
	for _, bad := range []string{
		"TCP CB007102 ZZZZ C00002C8 0050 C6336415 0050 ESTABLISHED 899",
		"TCP CB007102 A4F2 C00002C8 0050 C63364 0050 ESTABLISHED 899",
		"TCP CB007102 A4F2 C00002C8 0050 XX336415 0050 ESTABLISHED 899",
	} {
		if _, err := parseConns([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzParseConns(f *testing.F) {
	f.Add([]byte("TCP CB007102 A4F2 C00002C8 0050 C6336415 0050 ESTABLISHED 899\n"))
	f.Add([]byte("Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseConns(b)
		if err != nil && m != nil {
			t.Error("a table and an error")
		}
		for _, a := range m {
			if !a.Is4() {
				t.Errorf("%v is not IPv4", a)
			}
		}
	})
}

// tally sorts each flow by what happened to it.
func TestTally(t *testing.T) {
	reset := os.ErrDeadlineExceeded
	flows := []*flow{
		{rs: "rs1", dir: 0, dirAfter: 1, rsAfter: "rs1"},   // the dead director's, kept
		{rs: "rs2", dir: 0, dirAfter: 2, errAfter: reset},  // the dead director's, lost
		{rs: "rs3", dir: 1, dirAfter: 2, rsAfter: "rs3"},   // rehashed survivor, kept
		{rs: "rs1", dir: 1, dirAfter: 2, errAfter: reset},  // rehashed survivor, lost
		{rs: "rs2", dir: 2, dirAfter: 2, rsAfter: "rs2"},   // untouched
		{rs: "rs2", dir: -1, dirAfter: -1, rsAfter: "rs1"}, // another real server answered
	}
	o := outcome{conns: len(flows), before: make([]int, 3), perReal: map[string]int{}, failures: map[string]int{}, lostBy: make([]int, 3)}
	o.tally(flows)
	if o.kept != 4 || o.same != 3 || o.lostDead != 1 || o.lostSurv != 1 || o.movedSurv != 2 || o.keptMovedSurv != 1 ||
		!slices.Equal(o.before, []int{2, 2, 1}) || !slices.Equal(o.lostBy, []int{1, 1, 0}) || o.failures["timeout"] != 2 {
		t.Errorf("%+v", o)
	}
	flows[0].askedBack, flows[0].rsBack = true, "rs1"                   // kept again
	flows[2].askedBack, flows[2].rsBack = true, "rs1"                   // another real server
	flows[4].askedBack, flows[4].errBack = true, os.ErrDeadlineExceeded // lost
	o.tallyBack(flows)
	if o.askedBack != 3 || o.keptBack != 1 {
		t.Errorf("back: %d of %d kept, want 1 of 3", o.keptBack, o.askedBack)
	}
}

func TestParseDests(t *testing.T) {
	const table = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  C00002C8:0050 mh (mh-port)
  -> C6336415:0050      Route   1      0          0
  -> C6336417:0050      Route   0      3          1
TCP  [2001:0db8:0000:0000:0000:0000:0000:00c8]:0050 mh
  -> [2001:0db8:0000:0000:0000:0000:0000:0015]:0050      Route   1      0          0
`
	ds, err := parseDests([]byte(table))
	if err != nil {
		t.Fatal(err)
	}
	if got := order(ds); got != "198.51.100.21(1) 198.51.100.23(0)" {
		t.Errorf("%q", got)
	}
	for _, bad := range []string{
		"  -> C633641Z:0050      Route   1      0          0",
		"  -> C6336415-0050      Route   1      0          0",
		"  -> C6336415:0050      Route   x      0          0",
	} {
		if _, err := parseDests([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzParseDests(f *testing.F) {
	f.Add([]byte("TCP  C00002C8:0050 mh\n  -> C6336415:0050      Route   1      0          0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := parseDests(b)
		if err != nil && ds != nil {
			t.Error("entries and an error")
		}
		for _, d := range ds {
			if !d.addr.Addr().Is4() {
				t.Errorf("%v is not IPv4", d.addr)
			}
		}
	})
}
