package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
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

// The console's ROW line passes only when the clients add ≤ 5 % and
// every instance was in the first state; a failed run is a miss.
func TestReportConsole(t *testing.T) {
	tests := []struct {
		c    consoleResult
		want string
	}{
		{consoleResult{Clients: 50, Off1: 3, On: 3.6, Off2: 3.2, Rows: 4080, Instances: 4080}, `govrrpd="0.50 %" keepalived="– (no web console)" target="≤ 5 %" verdict=pass`},
		{consoleResult{Clients: 50, Off1: 3, On: 9.5, Off2: 3, Rows: 4080, Instances: 4080}, `govrrpd="6.50 %"`},
		{consoleResult{Clients: 50, Off1: 3, On: 3, Off2: 3, Rows: 4000, Instances: 4080}, `verdict=miss`},
		{consoleResult{Clients: 50, Err: "no first state"}, `govrrpd="-"`},
	}
	for i, tc := range tests {
		var b bytes.Buffer
		reportConsole(&b, &tc.c)
		row := ""
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(l, "ROW ") {
				row = l
			}
		}
		if !strings.Contains(row, tc.want) || (i > 0) != strings.HasSuffix(row, "verdict=miss") {
			t.Errorf("case %d: ROW %q, want %q", i, row, tc.want)
		}
	}
}

// readEvents counts every data line and reports the first one's
// instance rows.
func TestReadEvents(t *testing.T) {
	stream := "retry: 2000\n\nevent: diff\ndata: {\"daemon\":{},\"i-A\":{},\"i-B\":{}}\n\n: keepalive\n\nevent: diff\ndata: {\"i-A\":{}}\n\n"
	rows := make(chan int, 1)
	var events atomic.Int64
	readEvents(strings.NewReader(stream), rows, &events)
	if n := <-rows; n != 2 || events.Load() != 2 {
		t.Fatalf("%d rows in the first state, %d events", n, events.Load())
	}
}

func TestParseRSSSplit(t *testing.T) {
	for _, tc := range []struct {
		in         string
		anon, file int64
		ok         bool
	}{
		{"Name:\tgovrrpd\nVmRSS:\t   51000 kB\nRssAnon:\t   28000 kB\nRssFile:\t   23000 kB\nRssShmem:\t       0 kB\n", 28000, 23000, true},
		{"RssFile:\t1 kB\nRssAnon:\t2 kB", 2, 1, true},
		{"RssAnon:\t2 kB\n", 0, 0, false},
		{"RssAnon:\tx kB\nRssFile:\t1 kB\n", 0, 0, false},
		{"RssAnon:\t2 MB\nRssFile:\t1 kB\n", 0, 0, false},
		{"", 0, 0, false},
	} {
		anon, file, err := parseRSSSplit([]byte(tc.in))
		if (err == nil) != tc.ok || anon != tc.anon || file != tc.file {
			t.Errorf("parseRSSSplit(%q) = %d, %d, %v; want %d, %d, ok %v", tc.in, anon, file, err, tc.anon, tc.file, tc.ok)
		}
	}
}

// The split is read from the live process's own status file.
func TestRSSSplitSelf(t *testing.T) {
	anon, file, err := rssSplit("/proc", []int{os.Getpid()})
	if err != nil {
		t.Skipf("no /proc status here: %v", err)
	}
	if anon <= 0 || file <= 0 {
		t.Errorf("this test's RssAnon %d kB, RssFile %d kB: want both above zero", anon, file)
	}
}
