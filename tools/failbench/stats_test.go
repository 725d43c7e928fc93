package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
)

const msec = time.Millisecond

func TestSummarize(t *testing.T) {
	cases := []struct {
		in   []time.Duration
		want summary
	}{
		{nil, summary{}},
		{[]time.Duration{3 * msec, 1 * msec, 2 * msec}, summary{3, 1 * msec, 2 * msec, 3 * msec}},
		{[]time.Duration{4 * msec, 1 * msec, 2 * msec, 3 * msec}, summary{4, 1 * msec, 2500 * time.Microsecond, 4 * msec}},
	}
	for _, c := range cases {
		if got := summarize(c.in); got != c.want {
			t.Errorf("summarize(%v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

// Bounds are RFC 5798's for the backup (priority 100).
func TestBounds(t *testing.T) {
	cases := []struct {
		m    mode
		ev   event
		want time.Duration
	}{
		{allModes[0], evKill, 3*time.Second + 609375*time.Microsecond},
		{allModes[0], evTerm, 609375 * time.Microsecond},
		{allModes[1], evTerm, 60937500},
		{allModes[2], evKill, 36093750},
	}
	for _, c := range cases {
		if got := c.m.bound(c.ev); got != c.want {
			t.Errorf("%s %s: bound %v, want %v", c.m.Name, c.ev, got, c.want)
		}
	}
}

func TestVerdict(t *testing.T) {
	v3fast := allModes[2]
	s := func(med, max time.Duration) summary { return summary{N: 3, Min: med, Median: med, Max: max} }
	none := summary{}
	pairs := func(n int, med time.Duration) summary { return summary{N: n, Median: med} }
	cases := []struct {
		name     string
		gov, ka  summary
		paired   summary
		failed   int
		bound    time.Duration
		m        mode
		contains string
	}{
		{"ok", s(30*msec, 35*msec), s(31*msec, 33*msec), none, 0, 36 * msec, v3fast, "ok"},
		{"slower", s(32*msec, 35*msec), s(31*msec, 33*msec), none, 0, 36 * msec, v3fast, "slower than keepalived"},
		{"past bound", s(30*msec, 90*msec), s(31*msec, 33*msec), none, 0, 36 * msec, v3fast, "max > bound+50ms"},
		{"100 ms at 10 ms", s(30*msec, 120*msec), s(31*msec, 33*msec), none, 0, 100 * msec, v3fast, "≥100ms"},
		{"failures", s(30*msec, 35*msec), s(31*msec, 33*msec), none, 2, 36 * msec, v3fast, "2 failed"},
		{"no data", summary{}, s(31*msec, 33*msec), none, 3, 36 * msec, v3fast, "no data"},
		// The unpaired medians say slower; the phase-matched pairs say not.
		{"paired faster", s(32*msec, 35*msec), s(31*msec, 33*msec), pairs(5, -msec/5), 0, 36 * msec, v3fast, "ok"},
		{"paired slower", s(30*msec, 35*msec), s(31*msec, 33*msec), pairs(5, msec/5), 0, 36 * msec, v3fast, "slower than keepalived"},
		{"too few pairs", s(32*msec, 35*msec), s(31*msec, 33*msec), pairs(2, -msec), 0, 36 * msec, v3fast, "slower than keepalived"},
	}
	for _, c := range cases {
		if got := verdict(c.gov, c.ka, c.paired, c.failed, c.bound, c.m); !strings.Contains(got, c.contains) {
			t.Errorf("%s: verdict %q, want it to say %q", c.name, got, c.contains)
		}
	}
}

func TestReportTable(t *testing.T) {
	all := []sample{
		{Impl: "govrrpd", Mode: "v3 10ms", Event: evKill, Takeover: 30 * msec, Outage: 31 * msec, Late: 2 * msec, Phased: true},
		{Impl: "keepalived", Mode: "v3 10ms", Event: evKill, Takeover: 31 * msec, Outage: 62 * msec, Late: msec, Phased: true},
		{Impl: "govrrpd", Mode: "v3 10ms", Event: evTerm, Err: "boom"},
	}
	var b bytes.Buffer
	report(&b, all, []mode{allModes[2]}, []event{evKill, evTerm})
	out := b.String()
	for _, want := range []string{"36.1", "31.0 / 31.0 / 31.0", "62.0 / 62.0 / 62.0", "0.50×", "+2.0 / +2.0 / +2.0", "1 failed, no data"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// The configurations both daemons read parse without a single warning in
// govrrpd's parser (a rounding warning would mean v2 ran at another rate).
func TestInstanceConfParsesClean(t *testing.T) {
	for _, m := range allModes {
		path := filepath.Join(t.TempDir(), "k.conf")
		if err := os.WriteFile(path, []byte(instanceConf("r1", 51, prioMaster, "192.0.2.200/24", m)), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, diags := confparse.Load(path, confparse.Options{})
		for _, d := range diags {
			if d.Severity != confparse.Info {
				t.Errorf("%s: %s", m.Name, d.Msg)
			}
		}
		if len(cfg.Instances) != 1 || cfg.Instances[0].AdvertInt != m.Advert || int(cfg.Instances[0].Version) != m.Version {
			t.Errorf("%s: parsed %+v", m.Name, cfg.Instances)
		}
	}
}

// A pair whose achieved phases sit on both sides of an advert (0.99
// against 0.02, or 0.995 against 0.005) is not a pair.
func TestPairedDiffSkipsMissedPhase(t *testing.T) {
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	all := []sample{
		{Impl: "govrrpd", Mode: "m", Event: evKill, Run: 1, PhaseGot: 0.50, Outage: ms(300)},
		{Impl: "keepalived", Mode: "m", Event: evKill, Run: 1, PhaseGot: 0.50, Outage: ms(301)},
		{Impl: "govrrpd", Mode: "m", Event: evKill, Run: 2, PhaseGot: 0.99, Outage: ms(262)},
		{Impl: "keepalived", Mode: "m", Event: evKill, Run: 2, PhaseGot: 0.02, Outage: ms(360)},
		{Impl: "govrrpd", Mode: "m", Event: evKill, Run: 3, PhaseGot: 0.995, Outage: ms(262)},
		{Impl: "keepalived", Mode: "m", Event: evKill, Run: 3, PhaseGot: 0.005, Outage: ms(263)},
	}
	got := pairedDiff(all, "m", evKill)
	if got.N != 1 || got.Median != -ms(1) {
		t.Fatalf("paired Δ over %d pairs, median %v; want 1 pair (runs 2 and 3 left out), median -1ms", got.N, got.Median)
	}
}
