package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// parseConftest reads bench/conftest.sh's lines ("govrrpd time  1.234 s",
// "time ratio  0.40  target <= 0.50  MET", ...).
func parseConftest(dir string) (*result, error) {
	b, err := os.ReadFile(filepath.Join(dir, "stdout.txt"))
	if err != nil {
		return nil, err
	}
	v := map[string][]string{}
	title := ""
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "conftest: ") {
			title = strings.TrimPrefix(l, "conftest: ")
		}
		cells := wideGap.Split(strings.TrimSpace(l), -1)
		if len(cells) >= 2 {
			v[cells[0]] = cells[1:]
		}
	}
	res := &result{}
	for _, m := range []struct{ name, gov, ka, ratio string }{
		{"`-t` wall time", "govrrpd time", "keepalived time", "time ratio"},
		{"`-t` peak RSS", "govrrpd peak RSS", "keepalived peak RSS", "RSS ratio"},
	} {
		g, ok := v[m.gov]
		if !ok {
			continue
		}
		r := Row{Group: "conftest", Name: m.name + " on " + strings.TrimPrefix(title, "-t on "), Gov: g[0], Ratio: math.NaN()}
		if k, ok := v[m.ka]; ok {
			r.Ref = k[0]
		}
		if rt, ok := v[m.ratio]; ok && len(rt) >= 2 {
			r.Ratio, _ = strconv.ParseFloat(rt[0], 64)
			target, _ := strconv.ParseFloat(strings.TrimPrefix(rt[1], "target <= "), 64)
			r.Target = fmt.Sprintf("≤ %.2f×", target)
			r.Verdict = ratioVerdict(r.Ratio, target)
		} else {
			r.Target, r.Verdict = "a keepalived figure", "MISS: keepalived not measured"
		}
		res.rows = append(res.rows, r)
	}
	if len(res.rows) == 0 {
		return nil, fmt.Errorf("conftest: no figures in %s", dir)
	}
	return res, nil
}

var (
	ipvsLine  = regexp.MustCompile(`^(govrrpd initial apply \(read\+diff\)|floor: moby/ipvs direct, no diff|ipvsadm -R \(ipvsadm-restore\)|govrrpd reload, one dest changed)\s+(\S+)\s*(\S*)$`)
	ipvsRatio = regexp.MustCompile(`^initial / floor = ([\d.]+) \(target <= ([\d.]+)\)`)
)

// parseIPVS reads BenchmarkKernelIPVS's table (bench/ipvs-vm.sh). Its
// reference is the floor (the same operations through moby/ipvs with no
// diff) and ipvsadm -R: keepalived's IPVS apply is not measured there.
func parseIPVS(dir string) (*result, error) {
	b, err := os.ReadFile(filepath.Join(dir, "stdout.txt"))
	if err != nil {
		return nil, err
	}
	got := map[string][2]string{}
	var ratio, target float64 = math.NaN(), math.NaN()
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if m := ipvsLine.FindStringSubmatch(l); m != nil {
			got[strings.Fields(m[1])[0]+" "+strings.Fields(m[1])[1]] = [2]string{m[2], m[3]}
		}
		if m := ipvsRatio.FindStringSubmatch(l); m != nil {
			ratio, _ = strconv.ParseFloat(m[1], 64)
			target, _ = strconv.ParseFloat(m[2], 64)
		}
	}
	init, ok := got["govrrpd initial"]
	if !ok {
		return nil, fmt.Errorf("ipvs: no BenchmarkKernelIPVS table in %s", dir)
	}
	res := &result{}
	res.rows = append(res.rows, Row{Group: "ipvs", Name: "IPVS initial apply, 1,000 × 10 (reference: moby/ipvs floor; ipvsadm -R " + got["ipvsadm -R"][0] + ")",
		Gov: init[0] + ", " + init[1] + " ops", Ref: got["floor: moby/ipvs"][0], Ratio: ratio,
		Target: fmt.Sprintf("≤ %.2f× floor", target), Verdict: ratioVerdict(ratio, target)})
	if rl, ok := got["govrrpd reload,"]; ok {
		v := "pass"
		if rl[1] != "1" {
			v = fmt.Sprintf("MISS by %s operations", rl[1])
		}
		res.rows = append(res.rows, Row{Group: "ipvs", Name: "IPVS one-change reload, 1,000 × 10", Gov: rl[0] + ", " + rl[1] + " ops",
			Ratio: math.NaN(), Target: "1 IPVS operation", Verdict: v})
	}
	return res, nil
}

// parseCheck reads tools/checkbench's table (bench/check-vm.sh): one line
// per round and implementation; the CPU ratio is over the sums of the
// rounds, as docs/check-bench.md explains.
func parseCheck(dir string) (*result, error) {
	b, err := os.ReadFile(filepath.Join(dir, "stdout.txt"))
	if err != nil {
		return nil, err
	}
	type round struct{ cpu, rss, gaps float64 }
	by := map[string][]round{}
	n := ""
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 3 && f[0] == "N" && f[1] == "interval" {
			in = true
			continue
		}
		if !in || len(f) != 15 {
			in = in && len(f) == 15
			continue
		}
		var r round
		var errs [3]error
		r.cpu, errs[0] = strconv.ParseFloat(f[4], 64)
		r.rss, errs[1] = strconv.ParseFloat(f[6], 64)
		r.gaps, errs[2] = strconv.ParseFloat(f[8], 64)
		for _, e := range errs {
			if e != nil {
				return nil, fmt.Errorf("checkbench row %q: %w", l, e)
			}
		}
		n = f[0] + " servers, TCP_CHECK every " + f[1] + ", " + f[2] + " windows"
		by[f[3]] = append(by[f[3]], r)
	}
	gov, ka := by["govrrpd"], by["keepalived"]
	if len(gov) == 0 {
		return nil, fmt.Errorf("check: no checkbench rows for govrrpd in %s", dir)
	}
	sum := func(rs []round, f func(round) float64) (s float64) {
		for _, r := range rs {
			s += f(r)
		}
		return s
	}
	cpu := func(r round) float64 { return r.cpu }
	gaps := func(r round) float64 { return r.gaps }
	res := &result{}
	cpuRow := Row{Group: "check", Name: fmt.Sprintf("checker CPU, %s, sum of %d rounds", n, len(gov)),
		Gov: fmt.Sprintf("%.2f s", sum(gov, cpu)), Ratio: math.NaN(), Target: "≤ 1.00×"}
	if len(ka) > 0 {
		cpuRow.Ref = fmt.Sprintf("%.2f s", sum(ka, cpu))
		cpuRow.Ratio = sum(gov, cpu) / sum(ka, cpu)
	}
	cpuRow.Verdict = ratioVerdict(cpuRow.Ratio, 1)
	onTime := sum(gov, gaps) / float64(len(gov))
	timeRow := Row{Group: "check", Name: "checks on time (% of gaps ≤ interval + tolerance, mean of rounds)",
		Gov: fmt.Sprintf("%.2f %%", onTime), Ratio: math.NaN(), Target: "100 %", Verdict: "pass"}
	if len(ka) > 0 {
		timeRow.Ref = fmt.Sprintf("%.2f %%", sum(ka, gaps)/float64(len(ka)))
	}
	if onTime < 100 {
		timeRow.Verdict = fmt.Sprintf("MISS by %.2f points", 100-onTime)
	}
	res.rows = append(res.rows, cpuRow, timeRow)
	p := seriesPlot{file: "check-cpu-per-round.png", title: "Checker CPU per round (" + n + ")", x: "round", y: "CPU seconds"}
	for _, impl := range []string{"govrrpd", "keepalived"} {
		var pts [][2]float64
		for i, r := range by[impl] {
			pts = append(pts, [2]float64{float64(i + 1), r.cpu})
		}
		if len(pts) > 0 {
			p.series = append(p.series, series{name: impl, pts: pts})
		}
	}
	res.plots = append(res.plots, p)
	return res, nil
}
