package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

func TestConfigHasOneInstancePerLinkAndVRID(t *testing.T) {
	c := config("r1", prioMaster, layout{Links: 2, VRIDs: 3})
	if n := strings.Count(c, "vrrp_instance "); n != 6 {
		t.Fatalf("%d instances, want 6", n)
	}
	for _, want := range []string{"interface sb1", "virtual_router_id 3", "198.18.1.3/32", "priority 150", "router_id r1"} {
		if !strings.Contains(c, want) {
			t.Errorf("config lacks %q", want)
		}
	}
	if strings.Contains(c, "virtual_router_id 4") {
		t.Error("config has VRID 4 with 3 VRIDs per link")
	}
}

// The generated file must be one keepalived itself accepts, or the
// comparison is not with the same input; -t needs the links to exist.
func TestConfigPassesKeepalivedCheck(t *testing.T) {
	if _, err := exec.LookPath("keepalived"); err != nil {
		t.Skip("keepalived not installed")
	}
	ns := lab.IfaceNS(t, linkName(0), linkName(1))
	f := filepath.Join(t.TempDir(), "k.conf")
	if err := os.WriteFile(f, []byte(config("r1", prioMaster, layout{Links: 2, VRIDs: 3})), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := lab.RunIn(t, ns, "keepalived", "-t", "-f", f); code != 0 {
		t.Fatalf("keepalived -t: exit %d\n%s", code, out)
	}
}

func TestVIPRangeLeavesLinkAddresses(t *testing.T) {
	if !isVIP(vip(15, 255)) || isVIP(linkAddr(15, 2).Addr()) {
		t.Fatalf("vip(15,255)=%v isVIP=%v, link %v isVIP=%v", vip(15, 255), isVIP(vip(15, 255)),
			linkAddr(15, 2), isVIP(linkAddr(15, 2).Addr()))
	}
}

func TestParseLayouts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []layout
		err  bool
	}{
		{in: "16x255,1x255", want: []layout{{16, 255}, {1, 255}}},
		{in: "2x10", want: []layout{{2, 10}}},
		{in: "16x256", err: true},
		{in: "0x1", err: true},
		{in: "16", err: true},
	} {
		got, err := parseLayouts(tc.in)
		if (err != nil) != tc.err || len(got) != len(tc.want) {
			t.Errorf("%q: %v, %v", tc.in, got, err)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: %v, want %v", tc.in, got, tc.want)
			}
		}
	}
}

func TestParseStat(t *testing.T) {
	line := "42 (kee) pal) S 7 42 42 0 -1 4194560 100 0 0 0 250 50 3 4 20 0 1 0 5 0 0\n"
	st, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if st.pid != 42 || st.ppid != 7 || st.ticks != 307 {
		t.Fatalf("%+v, want pid 42 ppid 7 ticks 307", st)
	}
	for _, bad := range []string{"", "42 kee S 1", "42 (k) S 1 2 3", "42 (k) S 1 1 1 0 -1 0 0 0 0 0 x 0 0 0 0"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseStatus(t *testing.T) {
	rss, th, err := parseStatus([]byte("Name:\tgovrrpd\nVmRSS:\t  372736 kB\nThreads:\t10\n"))
	if err != nil || rss != 372736 || th != 10 {
		t.Fatalf("%d %d %v", rss, th, err)
	}
	if _, _, err := parseStatus([]byte("Name:\tx\nThreads:\t1\n")); err == nil {
		t.Error("status without VmRSS: no error")
	}
}

// sampleTree must sum the whole tree (keepalived's parent and child) and
// nothing else.
func TestSampleTreeSumsDescendants(t *testing.T) {
	dir := t.TempDir()
	write := func(pid, ppid string, ticks string, rss string) {
		d := filepath.Join(dir, pid)
		if err := os.MkdirAll(filepath.Join(d, "fd"), 0o755); err != nil {
			t.Fatal(err)
		}
		stat := pid + " (k) S " + ppid + " 1 1 0 -1 0 0 0 0 0 " + ticks + " 0 0 0 20 0 1 0 5 0 0\n"
		status := "VmRSS:\t" + rss + " kB\nThreads:\t1\n"
		if err := os.WriteFile(filepath.Join(d, "stat"), []byte(stat), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "status"), []byte(status), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("10", "1", "100", "1000")
	write("11", "10", "30", "500")
	write("12", "1", "999", "9999") // not in the tree
	s, err := sampleTree(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	if s.ticks != 130 || s.rssKiB != 1500 || s.procs != 2 || s.threads != 2 {
		t.Fatalf("%+v", s)
	}
	if _, err := sampleTree(dir, 99); err == nil {
		t.Error("missing root: no error")
	}
}

func TestRowsVerdicts(t *testing.T) {
	l := layout{16, 255}
	ka := &result{Impl: "keepalived", Layout: l, CPU: [2]float64{6.3, 2.9}, RSSKiB: [2]int64{18 << 10, 18 << 10}, Converged: 4 * time.Second}
	good := &result{Impl: "govrrpd", Layout: l, CPU: [2]float64{4, 2.9}, RSSKiB: [2]int64{17 << 10, 18 << 10}, Converged: 5 * time.Second}
	for i, r := range rows(good, ka, true) {
		if !r.pass {
			t.Errorf("row %d %s: miss for %v vs %v", i, r.name, r.gv, r.ka)
		}
	}
	bad := &result{Impl: "govrrpd", Layout: l, CPU: [2]float64{5.5, 3}, RSSKiB: [2]int64{19 << 10, 18<<10 + 1}}
	for i, r := range rows(bad, ka, true) {
		if r.pass {
			t.Errorf("row %d %s: pass for %v vs %v", i, r.name, r.gv, r.ka)
		}
	}
	// Without keepalived no ratio target can pass.
	if rows(good, nil, true)[1].pass {
		t.Error("backup CPU passes with no keepalived figure")
	}
	var b bytes.Buffer
	report(&b, bad, ka, true)
	if got := strings.Count(b.String(), "MISS"); got != 5 {
		t.Errorf("report shows %d MISS rows, want 5:\n%s", got, b.String())
	}
	if !strings.Contains(b.String(), "never") {
		t.Errorf("unconverged run not shown as never:\n%s", b.String())
	}
}
