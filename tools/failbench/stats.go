package main

import (
	"fmt"
	"io"
	"math"
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
	Phase    float64       // where in the master's advert interval t0 was meant to fall
	PhaseGot float64       // where it fell, from the last advert the client heard
	Takeover time.Duration // t0 → VIP on the backup (rtnetlink event)
	Late     time.Duration // VIP on the backup − (reference advert + bound)
	Phased   bool          // Late is known (the reference advert was seen)
	// AdvertLate is Late for the backup's first advert instead of its VIP.
	AdvertLate time.Duration
	Outage     time.Duration // client: the crash (kill) or its first lost probe (term) → its first reply after
	LossStart  time.Duration // t0 → the first lost probe (0 when none was lost)
	Gap        time.Duration // client: longest silence between replies
	Lost       int
	// ClientLate and SendGap are the client's own stalls in the window
	// (lab.Outage): probes it sent late but that were answered in time from
	// when they left, not lost; and the longest time no probe left.
	ClientLate int
	SendGap    time.Duration
	Err        string
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

// sms is ms with a sign, for lateness (early is negative).
func sms(d time.Duration) string {
	return fmt.Sprintf("%+.1f", float64(d)/float64(time.Millisecond))
}

func (s summary) String() string {
	if s.N == 0 {
		return "—"
	}
	return ms(s.Min) + " / " + ms(s.Median) + " / " + ms(s.Max)
}

func (s summary) signed() string {
	if s.N == 0 {
		return "—"
	}
	return sms(s.Min) + " / " + sms(s.Median) + " / " + sms(s.Max)
}

// pick returns field f of the good samples of one cell (nil f: Late, of
// the samples where it is known).
func pick(all []sample, impl, mode string, ev event, f func(sample) time.Duration) (out []time.Duration, failed int) {
	for _, s := range all {
		if s.Impl != impl || s.Mode != mode || s.Event != ev {
			continue
		}
		if s.Err != "" {
			failed++
			continue
		}
		if f == nil {
			if s.Phased {
				out = append(out, s.Late)
			}
			continue
		}
		out = append(out, f(s))
	}
	return out, failed
}

// pairedDiff is the median over run indices of govrrpd's outage minus
// keepalived's, over the runs both completed. Run k of both took the
// master down at the same phase, so the phase cancels out of each
// difference, unless one of them missed it: a master whose advert ran
// late moves a crash meant for phase 0.99 to 0.02 of the next interval,
// a whole interval later. Such pairs are left out.
func pairedDiff(all []sample, mode string, ev event) summary {
	out := map[int][2]*sample{}
	for i := range all {
		s := &all[i]
		if s.Mode != mode || s.Event != ev || s.Err != "" {
			continue
		}
		p := out[s.Run]
		switch s.Impl {
		case "govrrpd":
			p[0] = s
		case "keepalived":
			p[1] = s
		}
		out[s.Run] = p
	}
	var diffs []time.Duration
	for _, p := range out {
		if p[0] != nil && p[1] != nil && phaseApart(p[0].PhaseGot, p[1].PhaseGot) <= maxPhaseApart {
			diffs = append(diffs, p[0].Outage-p[1].Outage)
		}
	}
	return summarize(diffs)
}

// maxPhaseApart is how far apart (in advert intervals) the achieved
// phases of a pair may be; the alignment is good to 0.001 at 1 s and
// 100 ms adverts and 0.03 at 10 ms.
const maxPhaseApart = 0.05

// phaseApart is how far apart two achieved phases are. Not on a circle:
// 0.99 and 0.02 are a whole advert apart, since the master sent one more
// advert before the second crash.
func phaseApart(a, b float64) float64 { return math.Abs(a - b) }

// verdict judges govrrpd's client outage against the targets the issue
// sets: no slower than keepalived, every run within 50 ms of the protocol
// bound, and under 100 ms at 10 ms adverts. "No slower" is judged on the
// median of the phase-matched differences once there are minPairs pairs:
// run k of both daemons crashes at the same phase, so the pair differs
// only by the daemons, while the two unpaired medians of 3–5 runs come
// from different phases and flip on a fraction of the 1 ms probe period.
func verdict(gov, ka, paired summary, failed int, bound time.Duration, m mode) string {
	var miss []string
	if failed > 0 {
		miss = append(miss, fmt.Sprintf("%d failed", failed))
	}
	if gov.N == 0 {
		return strings.Join(append(miss, "no data"), ", ")
	}
	if slower(gov, ka, paired) {
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

// minPairs is how many phase-matched pairs the paired verdict needs.
const minPairs = 3

// slower says whether govrrpd's outage is longer than keepalived's: by
// the paired median when there are enough pairs, else by the medians.
func slower(gov, ka, paired summary) bool {
	if paired.N >= minPairs {
		return paired.Median > 0
	}
	return ka.N > 0 && gov.Median > ka.Median
}

// report prints one table row per mode × event: the bound, both
// implementations' takeover and client outage, and the ratio of medians.
func report(w io.Writer, all []sample, modes []mode, events []event) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "mode\tevent\tbound ms\tgovrrpd takeover\tkeepalived takeover\tgovrrpd late\tkeepalived late\tgovrrpd outage\tkeepalived outage\toutage ratio\tpaired Δ outage\tverdict")
	for _, m := range modes {
		for _, ev := range events {
			var cells, late [4]summary
			var fails [2]int
			for i, impl := range []string{"govrrpd", "keepalived"} {
				t, f := pick(all, impl, m.Name, ev, func(s sample) time.Duration { return s.Takeover })
				o, _ := pick(all, impl, m.Name, ev, func(s sample) time.Duration { return s.Outage })
				l, _ := pick(all, impl, m.Name, ev, nil)
				cells[i], cells[2+i], late[i], fails[i] = summarize(t), summarize(o), summarize(l), f
			}
			ratio := "—"
			if cells[2].N > 0 && cells[3].N > 0 && cells[3].Median > 0 {
				ratio = fmt.Sprintf("%.2f×", float64(cells[2].Median)/float64(cells[3].Median))
			}
			d, paired := pairedDiff(all, m.Name, ev), "—"
			if d.N > 0 {
				paired = fmt.Sprintf("%s (%d)", sms(d.Median), d.N)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Name, ev, ms(m.bound(ev)),
				cells[0], cells[1], late[0].signed(), late[1].signed(), cells[2], cells[3], ratio, paired,
				verdict(cells[2], cells[3], d, fails[0], m.bound(ev), m))
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "min / median / max ms over the runs. takeover: t0 → VIP on the backup. late: VIP on the backup −")
	fmt.Fprintln(w, "(master's last advert (kill) or priority-0 advert (term) + bound), free of the crash's phase.")
	fmt.Fprintln(w, "outage: kill: the crash (t0) → the client's first reply after; term: the client's first lost probe → its first reply after.")
	fmt.Fprintln(w, "ratio: govrrpd/keepalived outage medians.")
	fmt.Fprintln(w, "paired Δ: median over runs of govrrpd − keepalived outage, run k of both at the same advert-timer phase (n pairs;")
	fmt.Fprintln(w, "a pair whose achieved phases differ by more than 0.05 of an advert is left out).")
	fmt.Fprintln(w, "verdict: slower than keepalived when the paired Δ is above 0 (with fewer than 3 pairs: when the govrrpd median is above")
	fmt.Fprintln(w, "keepalived's); max within bound + 50 ms; at 10 ms adverts every outage under 100 ms.")
}

// writeTSV keeps every run, for docs/failover.md and for digging.
func writeTSV(w io.Writer, all []sample) {
	fmt.Fprintln(w, "impl\tmode\tevent\trun\tphase\tphase_got\ttakeover_ms\tlate_ms\tadvert_late_ms\toutage_ms\tloss_start_ms\tgap_ms\tlost\tclient_late\tsend_gap_ms\terror")
	for _, s := range all {
		late, alate := "NA", "NA"
		if s.Phased {
			late, alate = sms(s.Late), sms(s.AdvertLate)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%.3f\t%.3f\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", s.Impl, s.Mode, s.Event, s.Run,
			s.Phase, s.PhaseGot, ms(s.Takeover), late, alate, ms(s.Outage), ms(s.LossStart), ms(s.Gap), s.Lost,
			s.ClientLate, ms(s.SendGap), s.Err)
	}
}

// clientNote reports the client's own stalls. The client runs on the same
// machine as the routers; descheduled between stamping a probe and sending
// it, it sent the probe late, and a reply measured from its slot read as a
// loss the routers never caused. Those probes are judged from when they
// left (lab.Probe) and counted here, so a stall is shown, not hidden.
func clientNote(w io.Writer, all []sample) {
	runs, probes, worst := 0, 0, time.Duration(0)
	for _, s := range all {
		if s.SendGap > lateReply || s.ClientLate > 0 {
			runs++
		}
		probes += s.ClientLate
		worst = max(worst, s.SendGap)
	}
	fmt.Fprintf(w, "client stalls: %d of %d runs sent no probe for more than %v (longest %s ms); %d probes the client sent\n",
		runs, len(all), lateReply, ms(worst), probes)
	fmt.Fprintf(w, "more than %v after their slot were judged from when they left, not counted lost.\n", lateReply)
}
