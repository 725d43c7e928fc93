package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// targets are issue #12's goals at 4,080 instances; other layouts are
// printed for comparison only.
type targets struct {
	cpuRatio, rssRatio float64 // govrrpd ≤ this × keepalived
	masterCPU          float64 // % of a core
	convergeSlack      time.Duration
}

var goal = targets{cpuRatio: 1.0, rssRatio: 1.0, masterCPU: 5, convergeSlack: 2 * time.Second}

// masterDown is r1's Master_Down_Interval at advert_int 1 s: both routers
// start as BACKUP, so r1 becomes master when it expires (RFC 3768 §6.4.2).
func masterDown() time.Duration {
	return 3*time.Second + time.Duration(256-prioMaster)*time.Second/256
}

// row is one line of the table.
type row struct {
	name   string
	gv, ka float64
	unit   string // printf verb for the values
	zero   string // printed instead of a zero value ("" prints the zero)
	target string // "" when the row carries no target
	pass   bool
}

// rows builds the table for one layout from govrrpd's and keepalived's
// results (ka may be nil when keepalived is not installed).
func rows(gv, ka *result, withTargets bool) []row {
	kaOr := func(f func(*result) float64) float64 {
		if ka == nil {
			return 0
		}
		return f(ka)
	}
	cpu := func(r int) func(*result) float64 { return func(x *result) float64 { return x.CPU[r] } }
	rss := func(r int) func(*result) float64 {
		return func(x *result) float64 { return float64(x.RSSKiB[r]) / 1024 }
	}
	conv := func(x *result) float64 { return x.Converged.Seconds() }
	out := []row{
		{name: "master CPU (% of a core)", gv: cpu(0)(gv), ka: kaOr(cpu(0)), unit: "%.2f"},
		{name: "backup CPU (% of a core)", gv: cpu(1)(gv), ka: kaOr(cpu(1)), unit: "%.2f"},
		{name: "master RSS (MB)", gv: rss(0)(gv), ka: kaOr(rss(0)), unit: "%.1f"},
		{name: "backup RSS (MB)", gv: rss(1)(gv), ka: kaOr(rss(1)), unit: "%.1f"},
		{name: "converged (s from start)", gv: conv(gv), ka: kaOr(conv), unit: "%.2f", zero: "never"},
	}
	if !withTargets {
		return out
	}
	ratioOK := func(r row, max float64) bool { return ka != nil && r.ka > 0 && r.gv <= max*r.ka }
	mdi := masterDown() + goal.convergeSlack
	out[0].target = fmt.Sprintf("≤%.1f× and <%.0f %%", goal.cpuRatio, goal.masterCPU)
	out[0].pass = ratioOK(out[0], goal.cpuRatio) && out[0].gv < goal.masterCPU
	out[1].target, out[1].pass = fmt.Sprintf("≤%.1f×", goal.cpuRatio), ratioOK(out[1], goal.cpuRatio)
	for i := 2; i <= 3; i++ {
		out[i].target, out[i].pass = fmt.Sprintf("≤%.1f×", goal.rssRatio), ratioOK(out[i], goal.rssRatio)
	}
	out[4].target = fmt.Sprintf("≤%.2f s", mdi.Seconds())
	out[4].pass = gv.Converged > 0 && gv.Converged <= mdi
	return out
}

// report prints one layout's table. Every row is printed, misses included;
// a value that could not be measured prints as "-" and misses its target.
func report(w io.Writer, gv, ka *result, withTargets bool) {
	fmt.Fprintf(w, "\n%s (%d instances per router, v2, advert_int 1)\n", gv.Layout, gv.Layout.instances())
	fmt.Fprintf(w, "%-26s %10s %11s %8s  %-18s %s\n", "", "govrrpd", "keepalived", "ratio", "target", "verdict")
	for _, r := range rows(gv, ka, withTargets) {
		val := func(v float64, res *result) string {
			switch {
			case res == nil || res.Err != "":
				return "-"
			case v == 0 && r.zero != "":
				return r.zero
			}
			return fmt.Sprintf(r.unit, v)
		}
		ratio := "-"
		if ka != nil && ka.Err == "" && gv.Err == "" && r.ka > 0 {
			ratio = fmt.Sprintf("%.2f×", r.gv/r.ka)
		}
		verdict := ""
		if r.target != "" {
			verdict = "MISS"
			if r.pass {
				verdict = "pass"
			}
		}
		fmt.Fprintf(w, "%-26s %10s %11s %8s  %-18s %s\n", r.name, val(r.gv, gv), val(r.ka, ka), ratio, r.target, verdict)
	}
	for _, res := range []*result{gv, ka} {
		if res == nil {
			continue
		}
		fmt.Fprintf(w, "%-10s descriptors %d / %d, threads %d / %d, processes %d / %d (master / backup); load average %s\n",
			res.Impl, res.FDs[0], res.FDs[1], res.Threads[0], res.Threads[1], res.Procs[0], res.Procs[1], res.Load)
		fmt.Fprintf(w, "%-10s RSS anonymous %.1f / %.1f MB, file-backed %.1f / %.1f MB (master / backup)\n",
			res.Impl, kib(res.AnonKiB[0]), kib(res.AnonKiB[1]), kib(res.FileKiB[0]), kib(res.FileKiB[1]))
		fmt.Fprintf(w, "%-10s CPU user + system %.2f + %.2f / %.2f + %.2f %%, context switches %.0f / %.0f a second (master / backup)\n",
			res.Impl, res.User[0], res.Sys[0], res.User[1], res.Sys[1], res.Switches[0], res.Switches[1])
		for _, n := range res.Notes {
			fmt.Fprintf(w, "%-10s note: %s\n", res.Impl, n)
		}
		if res.Err != "" {
			fmt.Fprintf(w, "%-10s ERROR: %s\n", res.Impl, res.Err)
		}
	}
}

func kib(n int64) float64 { return float64(n) / 1024 }

// writeTSV keeps the raw figures for docs/scale.md and later comparisons.
func writeTSV(w io.Writer, all []result) {
	fmt.Fprintln(w, "impl\tlayout\tinstances\tconverged_s\tcpu_master\tcpu_backup\trss_master_kib\trss_backup_kib\tanon_master_kib\tanon_backup_kib\tfile_master_kib\tfile_backup_kib\tfds_master\tthreads_master\tload\tuser_master\tsys_master\tuser_backup\tsys_backup\tswitches_master\tswitches_backup\terror")
	for _, r := range all {
		fmt.Fprintf(w, "%s\t%s\t%d\t%.3f\t%.2f\t%.2f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f\t%s\n", r.Impl, r.Layout, r.Layout.instances(),
			r.Converged.Seconds(), r.CPU[0], r.CPU[1], r.RSSKiB[0], r.RSSKiB[1], r.AnonKiB[0], r.AnonKiB[1], r.FileKiB[0], r.FileKiB[1], r.FDs[0], r.Threads[0], r.Load,
			r.User[0], r.Sys[0], r.User[1], r.Sys[1], r.Switches[0], r.Switches[1], strings.Join(append(r.Notes, r.Err), "; "))
	}
}
