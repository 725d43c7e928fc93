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

func TestRemoveLastReal(t *testing.T) {
	var b bytes.Buffer
	if err := genConf(&b, 2, 10, 6); err != nil {
		t.Fatal(err)
	}
	got, err := removeLastReal(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b.Bytes(), []byte("\n")) - bytes.Count(got, []byte("\n")); n != 6 {
		t.Errorf("%d lines removed, want 6", n)
	}
	if bytes.Count(got, []byte("198.51.100.10 1024")) != 1 {
		t.Error("not exactly the first virtual server's last real server removed")
	}
	if _, err := removeLastReal(got[:len(got)/2]); err == nil {
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
// bound and the verdict follows from it; a measured figure gives the
// plain ratio; a missing one fails the one-change rows.
func TestRowsBound(t *testing.T) {
	s := time.Second
	gov := result{impl: "govrrpd", reloads: []reload{{took: s / 10, ops: 0}, {took: 9 * s, ops: 1}, {took: 9 * s, ops: 1}}}
	cases := []struct {
		name string
		ka   *result
		want []string // per case: the keepalived text and the verdict
	}{
		{"bound", &result{impl: "keepalived", reloads: []reload{{took: -1, note: "no line"}, {took: -1, note: "x"}, {took: 30 * s}}},
			[]string{`keepalived="> 900 s (lower bound, the cap; no line)" ratio=0.000 target="≤ 0.3 s and ≤ 0.25×" verdict=pass`,
				`keepalived="> 900 s (lower bound, the cap; x)" ratio=0.010 target="≤ 0.25×" verdict=pass`,
				`keepalived="30.000 s" ratio=0.300 target="≤ 0.25×" verdict=miss`}},
		{"not measured", nil, []string{`keepalived="– (not measured)" target="≤ 0.3 s and ≤ 0.25×" verdict=pass`,
			`keepalived="– (not measured)" target="≤ 0.25×" verdict=miss`, `verdict=miss`}},
	}
	for _, c := range cases {
		res := []result{gov}
		if c.ka != nil {
			res = append(res, *c.ka)
		}
		var b bytes.Buffer
		rows(&b, res, 660003, 900*s)
		lines := strings.Split(b.String(), "\n")
		for i, w := range c.want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("%s, case %d: %s\nwant %s", c.name, i, lines[i], w)
			}
		}
		if !strings.Contains(lines[3], `govrrpd="0 / 1 / 1"`) || !strings.Contains(lines[3], "verdict=pass") {
			t.Errorf("%s: %s", c.name, lines[3])
		}
	}
}
