package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// genConf writes what bench/genconf.py writes, but for delay_loop.
func TestGenConfMatchesGenconf(t *testing.T) {
	var b bytes.Buffer
	if err := genConf(&b, 300, 3, 6); err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(b.Bytes(), []byte("\n")); got != 3+300*(6+3*6) {
		t.Errorf("%d lines", got)
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: not compared with bench/genconf.py")
	}
	want, err := exec.Command(py, "../../bench/genconf.py", "300", "3").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Error("genConf and bench/genconf.py differ")
	}
}

func TestChangeWeight(t *testing.T) {
	var b bytes.Buffer
	if err := genConf(&b, 2, 2, 6); err != nil {
		t.Fatal(err)
	}
	got, err := changeWeight(b.Bytes(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if tableDiff(b.Bytes(), got) != 2 || !strings.Contains(string(got), "198.51.100.1 1024 {\n        weight 2\n") {
		t.Errorf("not one weight changed:\n%s", got)
	}
	if _, err := changeWeight([]byte("global_defs {\n}\n"), 2); err == nil {
		t.Error("a file without a weight line was changed")
	}
}

func TestAppliedOps(t *testing.T) {
	at := "2026-12-06T09:04:49.187Z"
	cases := []struct {
		log    string
		ops    int
		wantOK bool
	}{
		{"", 0, false},
		{"time=" + at + ` level=INFO msg="IPVS applied" operations=110000` + "\n", 110000, true},
		{"time=x level=INFO msg=\"IPVS applied\" operations=3\n", 0, false}, // no time
		{"time=" + at + ` level=INFO msg="IPVS applied" operations=110000` + "\ntime=" + at + " msg=\"reloading configuration (SIGHUP)\"\ntime=" + at + ` level=INFO msg="IPVS applied" operations=1` + "\n", 1, true},
		{"time=" + at + ` msg="IPVS applied" operations=x`, 0, false},
		{"time=" + at + ` level=INFO msg="reload complete" instances=2` + "\n", 0, false},
		{"time=" + at + ` level=INFO msg="IPVS applied" operations=7` + "\ntime=" + at + ` level=INFO msg="reload complete" result="no change" files=1 operations=0` + "\n", 0, true},
	}
	for _, c := range cases {
		n, when, ok := appliedOps([]byte(c.log))
		if n != c.ops || ok != c.wantOK || ok && when.Format(time.RFC3339Nano) != at {
			t.Errorf("appliedOps(%q) = %d, %v, %v; want %d, %v", c.log, n, when, ok, c.ops, c.wantOK)
		}
	}
}

func FuzzAppliedOps(f *testing.F) {
	f.Add([]byte(`time=2026-12-06T09:04:49.187Z level=INFO msg="IPVS applied" operations=7`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if n, _, ok := appliedOps(b); ok && n < 0 {
			t.Errorf("%d operations", n)
		}
	})
}

// TestRemoveReal: the first virtual server's last real server, then the
// last virtual server's, each one block of six lines.
func TestRemoveReal(t *testing.T) {
	var b bytes.Buffer
	if err := genConf(&b, 300, 10, 6); err != nil {
		t.Fatal(err)
	}
	_, fp := firstVS()
	la, lp := lastVS(300)
	if la != "192.0.2.50" || lp != 1025 {
		t.Fatalf("last virtual server %s %d, want 192.0.2.50 1025", la, lp)
	}
	got, err := removeReal(b.Bytes(), lastRealOf(10), fp, false)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b.Bytes(), []byte("\n")) - bytes.Count(got, []byte("\n")); n != 6 {
		t.Errorf("%d lines removed, want 6", n)
	}
	first := []byte("virtual_server 192.0.2.1 1024 {")
	if i := bytes.Index(got, first); bytes.Count(got[i:i+1200], []byte("198.51.100.10 1024")) != 0 {
		t.Error("the first virtual server still has its last real server")
	}
	last, err := removeReal(got, lastRealOf(10), lp, true)
	if err != nil {
		t.Fatal(err)
	}
	tail := last[bytes.Index(last, []byte("virtual_server 192.0.2.50 1025 {")):]
	if bytes.Count(tail, []byte("real_server")) != 9 || bytes.Count(last, []byte("198.51.100.10 1025")) != 49 {
		t.Errorf("not exactly the last virtual server's last real server removed:\n%s", tail)
	}
	if n := countReals(last); n != 2998 {
		t.Errorf("%d real servers counted after two removals, want 2998", n)
	}
	if _, err := removeReal(got[:len(got)/2], lastRealOf(10), lp, true); err == nil {
		t.Error("removed a real server that is not there")
	}
}

func TestQuietAt(t *testing.T) {
	ms := time.Millisecond
	busy := []sample{{0, 0}, {100 * ms, 10}, {200 * ms, 20}, {300 * ms, 22}, {400 * ms, 23}, {500 * ms, 23}, {600 * ms, 24}, {800 * ms, 25}}
	cases := []struct {
		s      []sample
		window time.Duration
		want   time.Duration
		ok     bool
	}{
		{busy, 300 * ms, 300 * ms, true},
		{busy, 100 * ms, 200 * ms, true}, // 22-20 = 2 ticks
		{busy, time.Second, 0, false},    // no reading a window after any
		{busy[:3], 100 * ms, 0, false},
	}
	for _, c := range cases {
		got, ok := quietAt(c.s, c.window, 2)
		if got != c.want || ok != c.ok {
			t.Errorf("window %v: %v, %v; want %v, %v", c.window, got, ok, c.want, c.ok)
		}
	}
}

func TestReloadLines(t *testing.T) {
	log := "a\nmsg=\"reloading configuration (SIGHUP)\"\nActivating healthchecker\nReloading\nmsg=\"IPVS applied\" operations=0\ngc 12 @484.1s 3%: 0.1+900+0.1 ms clock\n"
	got := reloadLines([]byte(log), 2)
	if len(got) != 2 || got[0] != `msg="reloading configuration (SIGHUP)"` || got[1] != "Reloading" {
		t.Errorf("%q", got)
	}
	if got := reloadLines([]byte(log), 9); len(got) != 4 || got[3] != "gc 12 @484.1s 3%: 0.1+900+0.1 ms clock" {
		t.Errorf("with the collection: %q", got)
	}
}

// TestRowsBound: keepalived's reload that outlasts the cap gives a lower
// bound and the verdict follows from it; a one-change case is judged
// against keepalived's change in the kernel, with the ratio against its
// "Reload complete" beside; a missing figure fails the one-change rows.
func TestRowsBound(t *testing.T) {
	s := time.Second
	cs := cases(10000, 10)
	gov := result{impl: "govrrpd", reloads: []reload{{took: s / 10, ops: 0}, {took: 9 * s, ops: 1}, {took: 9 * s, ops: 1}, {took: 2 * s, ops: 1}}}
	kernelBound := `keepalived="> 900 s (lower bound, the cap) to the kernel; > 900 s (lower bound, the cap; x) to Reload complete (ratio 0.010)" ratio=0.010 target="≤ 0.25× keepalived's kernel" verdict=pass`
	rc := []struct {
		name string
		ka   *result
		want []string // per case: the keepalived text and the verdict
	}{
		{"bound", &result{impl: "keepalived", reloads: []reload{{took: -1, note: "no line"}, {took: -1, kernel: -1, note: "x"},
			{took: 300 * s, kernel: 10 * s}, {took: -1, kernel: 100 * s, note: "y"}}},
			[]string{`keepalived="> 900 s (lower bound, the cap; no line)" ratio=0.000 target="≤ 0.3 s and ≤ 0.25×" verdict=pass`,
				kernelBound,
				`keepalived="10.000 s to the kernel; 300.000 s to Reload complete (ratio 0.030)" ratio=0.900 target="≤ 0.25× keepalived's kernel" verdict=miss`,
				`keepalived="100.000 s to the kernel; > 900 s (lower bound, the cap; y) to Reload complete (ratio 0.002)" ratio=0.020 target="≤ 0.25× keepalived's kernel" verdict=pass`}},
		{"not measured", nil, []string{`keepalived="– (not measured)" target="≤ 0.3 s and ≤ 0.25×" verdict=pass`,
			`keepalived="– (not measured)" target="≤ 0.25× keepalived's kernel" verdict=miss`, `verdict=miss`, `verdict=miss`}},
	}
	for _, c := range rc {
		res := []result{gov}
		if c.ka != nil {
			res = append(res, *c.ka)
		}
		var b bytes.Buffer
		rows(&b, res, 660003, 900*s, cs)
		lines := strings.Split(b.String(), "\n")
		for i, w := range c.want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("%s, case %d: %s\nwant %s", c.name, i, lines[i], w)
			}
		}
		if !strings.Contains(lines[4], `govrrpd="0 / 1 / 1 / 1"`) || !strings.Contains(lines[4], `target="0 / 1 / 1 / 1" verdict=pass`) {
			t.Errorf("%s: %s", c.name, lines[4])
		}
	}
}
