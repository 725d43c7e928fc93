package main

import (
	"bytes"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/report.golden.md")

func TestParseFailover(t *testing.T) {
	res, err := parseFailover("testdata/failover")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.rows) != 2 || len(res.plots) != 2 {
		t.Fatalf("%d rows, %d plots; want 2 and 2", len(res.rows), len(res.plots))
	}
	kill, term := res.rows[0], res.rows[1]
	if !strings.HasPrefix(kill.Name, "v3 10ms kill") || kill.Gov != "34.3 / 38.1 / 41.9" || kill.Ref != "31.3 / 33.6 / 36.0" || kill.Ratio != 1.13 {
		t.Errorf("kill row %+v", kill)
	}
	// failbench said "MISS: slower than keepalived"; the report says by how much.
	if want := "MISS (slower than keepalived): median +4.4 ms over keepalived's"; kill.Verdict != want {
		t.Errorf("kill verdict %q, want %q", kill.Verdict, want)
	}
	if term.Verdict != "pass" || term.Ratio != 0 {
		t.Errorf("term row %+v", term)
	}
	o := res.plots[0].(outagePlot)
	if o.bound != 36.1 || len(o.gov) != 2 || len(o.ka) != 2 || o.gov[0] != 41.9 {
		t.Errorf("kill plot data %+v", o)
	}
}

func TestParseConftest(t *testing.T) {
	res, err := parseConftest("testdata/conftest")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.rows) != 2 {
		t.Fatalf("rows %+v", res.rows)
	}
	for _, r := range res.rows {
		if r.Gov == "" || r.Ref == "" || math.IsNaN(r.Ratio) || r.Verdict == "" || !strings.Contains(r.Name, "10000 virtual_servers") {
			t.Errorf("row %+v", r)
		}
	}
}

func TestParseIPVS(t *testing.T) {
	res, err := parseIPVS("testdata/ipvs")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ gov, verdict string }{{"9.85s, 11000 ops", "pass"}, {"560ms, 1 ops", "pass"}}
	if len(res.rows) != len(want) {
		t.Fatalf("rows %+v", res.rows)
	}
	for i, w := range want {
		if r := res.rows[i]; r.Gov != w.gov || r.Verdict != w.verdict {
			t.Errorf("row %d: %+v, want %+v", i, r, w)
		}
	}
	if !strings.Contains(res.rows[0].Name, "ipvsadm -R 15.97s") || res.rows[0].Ratio != 1.0 {
		t.Errorf("initial row %+v", res.rows[0])
	}
}

func TestParseCheck(t *testing.T) {
	res, err := parseCheck("testdata/check")
	if err != nil {
		t.Fatal(err)
	}
	cpu, onTime := res.rows[0], res.rows[1]
	if cpu.Gov != "45.27 s" || cpu.Ref != "15.06 s" || math.Abs(cpu.Ratio-3.006) > 0.001 {
		t.Errorf("cpu row %+v", cpu)
	}
	if cpu.Verdict != "MISS by 201 % (3.01× > 1.00×)" {
		t.Errorf("cpu verdict %q", cpu.Verdict)
	}
	if onTime.Gov != "96.30 %" || onTime.Verdict != "MISS by 3.70 points" {
		t.Errorf("on-time row %+v", onTime)
	}
	p := res.plots[0].(seriesPlot)
	if len(p.series) != 2 || len(p.series[0].pts) != 2 || p.series[0].pts[1] != [2]float64{2, 18.95} {
		t.Errorf("plot %+v", p)
	}
}

func TestParseScale(t *testing.T) {
	res, err := parseScale("testdata/scale")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.rows) != 10 {
		t.Fatalf("%d rows, want 10: %+v", len(res.rows), res.rows)
	}
	r := res.rows[0]
	if r.Name != "16x255 (4080 instances): master CPU (% of a core)" || r.Gov != "24.71" || r.Ref != "17.62" ||
		r.Target != "≤1.0× and <5 %" || r.Verdict != "MISS by 40 % (1.40× > 1.00×)" {
		t.Errorf("first row %+v", r)
	}
	if c := res.rows[4]; c.Target != "≤5.41 s" || c.Verdict != "MISS by 11.17 s (16.58 s > ≤5.41 s)" {
		t.Errorf("converged row %+v", c)
	}
	if l := res.rows[9]; l.Target != "" || l.Verdict != "" || l.Ratio != 0.62 {
		t.Errorf("1x255 row without target %+v", l)
	}
	if len(res.plots) != 2 || len(res.plots[0].(seriesPlot).series) != 2 {
		t.Errorf("plots %+v", res.plots)
	}
}

// A daemon's note after a table is one row without a target, and the
// progress lines between tables are no rows (a run of 4c3911b printed
// "keepalived note: not conve" | "rged" as a row).
func TestParseScaleNote(t *testing.T) {
	res, err := parseScale("testdata/scale-note")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.rows) != 11 {
		t.Fatalf("%d rows, want 5 + a note + 5: %+v", len(res.rows), res.rows)
	}
	n := res.rows[5]
	if n.Name != "16x255 (4080 instances): keepalived note" || n.Gov != "–" ||
		n.Ref != "not converged 40s after start: 3376/4080 VIPs on r1, 1140 on r2" || n.Target != "" {
		t.Errorf("note row %+v", n)
	}
	for _, r := range res.rows {
		if strings.Contains(r.Name, "starting") || strings.Contains(r.Gov, "starting") {
			t.Errorf("progress line read as a row: %+v", r)
		}
	}
	if r := res.rows[6]; r.Name != "1x255 (255 instances): master CPU (% of a core)" || r.Gov != "0.30" {
		t.Errorf("first 1x255 row %+v", r)
	}
}

func TestParseReliability(t *testing.T) {
	res, err := parseReliability("testdata/reliability")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, gov, ref, verdict string }{
		{"TestFaults/kill: kill -9 of the master", "after 3.52s", "after 3.55s", "pass"},
		{"TestFlood/junk-v2: junk flood 30s at 82 kpps", "advert p99 1.21s", "", "MISS: junk flood"},
		// One test prints several cases; each is a row, paired across the
		// daemons although their labels' parentheses differ.
		{"TestFloods/v2_1s: no flood", "p99 1.0017s", "p99 1.0076s", "pass"},
		{"TestFloods/v2_1s: TTL 64 flood", "54.0 kpps", "108.4 kpps", "MISS: TTL 64 flood"},
	}
	if len(res.rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(res.rows), len(want), res.rows)
	}
	for i, w := range want {
		r := res.rows[i]
		if r.Name != w.name || !strings.Contains(r.Gov, w.gov) || !strings.Contains(r.Ref, w.ref) ||
			(w.ref == "" && r.Ref != "") || !strings.HasPrefix(r.Verdict, w.verdict) {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
		}
	}
}

func TestParseMissingOutput(t *testing.T) {
	for _, s := range sources {
		if _, err := s.parse(t.TempDir()); err == nil {
			t.Errorf("%s: parsing an empty directory succeeded", s.name)
		}
	}
}

// The whole report from the recorded outputs: every source appears (the
// reliability rows, absent here, as a MISS saying so), every plot is a PNG.
func TestReportFromRecordedOutputs(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "benchmarks.md")
	var results []sourceResult
	for _, s := range sources {
		res, err := s.parse(filepath.Join("testdata", s.name))
		results = append(results, sourceResult{src: s, res: res, err: err})
	}
	e := &env{date: "2026-12-06 06:40 UTC", cpu: "test CPU", mem: "8 GB", kernel: "6.1.0", commit: "abc123",
		keepalived: "Keepalived v2.2.7", cores: 2, loadStart: "1.00 1.00 1.00", loadEnd: "2.00 2.00 2.00",
		skipped: []string{"soak"}}
	if err := writeReport(out, e, results); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/report.golden.md"
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report differs from %s (go test -update to accept):\n%s", golden, got)
	}
	if !strings.Contains(string(got), "Not run for this report** (a subset was asked for): soak.") {
		t.Error("the report does not name the sources left out")
	}
	if !strings.Contains(string(got), "| reliability | TestFaults/kill: kill -9 of the master |") {
		t.Error("the reliability rows are not in the report")
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "benchmarks", "*.png"))
	if len(pngs) != 5 {
		t.Errorf("%d plots, want 5 (2 failover cells, checker CPU, scale CPU and RSS): %v", len(pngs), pngs)
	}
	for _, p := range pngs {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() < 300 {
			t.Errorf("%s: not a plot: %v", p, err)
		}
	}
}

// A source that produced nothing still has its row, a MISS saying why.
func TestReportKeepsUnmeasuredSource(t *testing.T) {
	out := filepath.Join(t.TempDir(), "b.md")
	_, err := parseScale(t.TempDir())
	if err := writeReport(out, &env{}, []sourceResult{{src: sources[5], err: err}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), "| scale | 4,080 and 255 VRRP instances per router (bench/scale.sh) | – | – | – | a measurement | MISS: not measured (open ") {
		t.Errorf("no MISS row for the unmeasured source:\n%s", b)
	}
	if !strings.Contains(string(b), "**0 of 1 rows with a target pass.**") {
		t.Errorf("summary line wrong:\n%s", b)
	}
}

// failbench judges "slower" on the paired Δ once there are 3 pairs; the
// report then says by how much in those terms, not by the medians.
func TestFailoverVerdictPaired(t *testing.T) {
	gov, ka := []float64{31, 33.3, 36}, []float64{30, 33.3, 35}
	cases := []struct{ v, paired, want string }{
		{"MISS: slower than keepalived", "+0.4 (5)", "MISS (slower than keepalived): paired Δ +0.4 ms over 5 pairs"},
		{"MISS: slower than keepalived", "+0.4 (2)", "MISS (slower than keepalived)"},
		{"ok", "-0.7 (3)", "pass"},
		// An older run judged "slower" on medians; its own pairs say not.
		{"MISS: slower than keepalived", "-0.3 (3)", "pass (paired Δ -0.3 ms over 3 pairs; the run itself, judging by medians, said slower than keepalived)"},
		{"MISS: slower than keepalived", "—", "MISS (slower than keepalived)"},
	}
	for _, c := range cases {
		got := failoverVerdict(c.v, c.paired, gov, ka, 36.1)
		if got != c.want {
			t.Errorf("failoverVerdict(%q, %q) = %q, want %q", c.v, c.paired, got, c.want)
		}
		// The header counts a pass with a note after it as a pass.
		if (Row{Verdict: got}).pass() != strings.HasPrefix(c.want, "pass") {
			t.Errorf("%q counted as pass = %v", got, !strings.HasPrefix(c.want, "pass"))
		}
	}
}
