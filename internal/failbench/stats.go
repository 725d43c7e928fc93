package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// sample is one measured failover.
type sample struct {
	Impl     string
	Mode     string
	Event    event
	Run      int
	Takeover time.Duration // t0 → VIP on the backup (rtnetlink event)
	Outage   time.Duration // client: first lost probe → first reply after
	Gap      time.Duration // client: longest silence between replies
	Lost     int
	Err      string
}

// summary is min/median/max of a set of durations.
type summary struct {
	N                int
	Min, Median, Max time.Duration
}

func summarize(ds []time.Duration) summary {
	if len(ds) == 0 {
		return summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return summary{N: len(s), Min: s[0], Median: med, Max: s[len(s)-1]}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))
}

func (s summary) String() string {
	if s.N == 0 {
		return "—"
	}
	return ms(s.Min) + " / " + ms(s.Median) + " / " + ms(s.Max)
}

// pick returns field f of the good samples of one cell.
func pick(all []sample, impl, mode string, ev event, f func(sample) time.Duration) (out []time.Duration, failed int) {
	for _, s := range all {
		if s.Impl != impl || s.Mode != mode || s.Event != ev {
			continue
		}
		if s.Err != "" {
			failed++
			continue
		}
		out = append(out, f(s))
	}
	return out, failed
}

// verdict judges govrrpd's client outage against the targets the issue
// sets: median no worse than keepalived's, every run within 50 ms of the
// protocol bound, and under 100 ms at 10 ms adverts.
func verdict(gov, ka summary, failed int, bound time.Duration, m mode) string {
	var miss []string
	if failed > 0 {
		miss = append(miss, fmt.Sprintf("%d failed", failed))
	}
	if gov.N == 0 {
		return strings.Join(append(miss, "no data"), ", ")
	}
	if ka.N > 0 && gov.Median > ka.Median {
		miss = append(miss, "slower than keepalived")
	}
	if gov.Max > bound+50*time.Millisecond {
		miss = append(miss, "max > bound+50ms")
	}
	if m.Advert == 10*time.Millisecond && gov.Max >= 100*time.Millisecond {
		miss = append(miss, "≥100ms at 10ms adverts")
	}
	if len(miss) == 0 {
		return "ok"
	}
	return "MISS: " + strings.Join(miss, ", ")
}

// report prints one table row per mode × event: the bound, both
// implementations' takeover and client outage, and the ratio of medians.
func report(w io.Writer, all []sample, modes []mode, events []event) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "mode\tevent\tbound ms\tgovrrpd takeover\tkeepalived takeover\tgovrrpd outage\tkeepalived outage\toutage ratio\tverdict")
	for _, m := range modes {
		for _, ev := range events {
			var cells [4]summary
			var fails [2]int
			for i, impl := range []string{"govrrpd", "keepalived"} {
				t, f := pick(all, impl, m.Name, ev, func(s sample) time.Duration { return s.Takeover })
				o, _ := pick(all, impl, m.Name, ev, func(s sample) time.Duration { return s.Outage })
				cells[i], cells[2+i], fails[i] = summarize(t), summarize(o), f
			}
			ratio := "—"
			if cells[2].N > 0 && cells[3].N > 0 && cells[3].Median > 0 {
				ratio = fmt.Sprintf("%.2f×", float64(cells[2].Median)/float64(cells[3].Median))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Name, ev, ms(m.bound(ev)),
				cells[0], cells[1], cells[2], cells[3], ratio, verdict(cells[2], cells[3], fails[0], m.bound(ev), m))
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "(min / median / max ms over the runs; takeover = t0 → VIP on the backup, outage = client's first lost probe → first reply after)")
}

// writeTSV keeps every run, for docs/failover.md and for digging.
func writeTSV(w io.Writer, all []sample) {
	fmt.Fprintln(w, "impl\tmode\tevent\trun\ttakeover_ms\toutage_ms\tgap_ms\tlost\terror")
	for _, s := range all {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%s\n", s.Impl, s.Mode, s.Event, s.Run,
			ms(s.Takeover), ms(s.Outage), ms(s.Gap), s.Lost, s.Err)
	}
}
