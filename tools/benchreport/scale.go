package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

var scaleLayout = regexp.MustCompile(`^(\d+x\d+) \((\d+) instances per router`)

// parseScale reads bench/scale.sh's tables (tools/scalebench: one per
// layout, a fixed 26-character name column, then govrrpd, keepalived,
// ratio, target and pass/MISS) and its results.tsv for the plots of CPU
// and RSS against the instance count. A table runs from its column header
// to its descriptors lines; a "<daemon> note:" line after it (a run that
// did not converge, say) becomes a row without a target, and the progress
// lines between tables are not rows.
func parseScale(dir string) (*result, error) {
	f, err := os.Open(filepath.Join(dir, "stdout.txt"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := &result{}
	layout, inTable := "", false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case scaleLayout.MatchString(l):
			m := scaleLayout.FindStringSubmatch(l)
			layout, inTable = m[1]+" ("+m[2]+" instances)", false
		case layout == "":
		case strings.HasPrefix(l, " ") && strings.Contains(l, "govrrpd") && strings.Contains(l, "ratio"):
			inTable = true
		case strings.Contains(l, "descriptors"):
			inTable = false
		case scaleNote.MatchString(l):
			m := scaleNote.FindStringSubmatch(l)
			res.rows = append(res.rows, Row{Group: "scale", Name: layout + ": " + m[1] + " note",
				Gov: "–", Ref: m[2], Ratio: math.NaN()})
		case inTable:
			if r, ok := scaleRow(l); ok {
				r.Name = layout + ": " + r.Name
				res.rows = append(res.rows, r)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(res.rows) == 0 {
		return nil, fmt.Errorf("scale: no scalebench table in %s", dir)
	}
	if runs, err := readTSV(filepath.Join(dir, "results.tsv")); err == nil {
		res.plots = append(res.plots, scalePlots(runs)...)
	}
	return res, nil
}

var scaleNote = regexp.MustCompile(`^(govrrpd|keepalived) note: (.+)$`)

// scaleRow reads one table row; the header and the descriptor/note lines
// are not rows.
func scaleRow(l string) (Row, bool) {
	rs := []rune(l)
	if len(rs) <= 27 || rs[0] == ' ' {
		return Row{}, false
	}
	name := strings.TrimSpace(string(rs[:26]))
	f := strings.Fields(string(rs[26:]))
	if name == "" || len(f) < 3 || strings.Contains(l, "descriptors") {
		return Row{}, false
	}
	r := Row{Group: "scale", Name: name, Gov: f[0], Ref: f[1], Ratio: math.NaN()}
	if v, err := strconv.ParseFloat(strings.TrimSuffix(f[2], "×"), 64); err == nil {
		r.Ratio = v
	}
	if len(f) > 3 {
		last := f[len(f)-1]
		switch last {
		case "pass":
			r.Verdict, r.Target = "pass", strings.Join(f[3:len(f)-1], " ")
		case "MISS":
			r.Target = strings.Join(f[3:len(f)-1], " ")
			r.Verdict = scaleMiss(r)
		default:
			r.Target = strings.Join(f[3:], " ")
		}
	}
	return r, true
}

var ratioTarget = regexp.MustCompile(`^≤([\d.]+)×`)

// scaleMiss says by how much a scale row missed, where the target is a
// ratio.
func scaleMiss(r Row) string {
	if m := ratioTarget.FindStringSubmatch(r.Target); m != nil && !math.IsNaN(r.Ratio) {
		want, _ := strconv.ParseFloat(m[1], 64)
		if r.Ratio > want {
			return ratioVerdict(r.Ratio, want)
		}
	}
	if m := secondsTarget.FindStringSubmatch(r.Target); m != nil {
		want, _ := strconv.ParseFloat(m[1], 64)
		if got, err := strconv.ParseFloat(r.Gov, 64); err == nil && got > want {
			return fmt.Sprintf("MISS by %.2f s (%s s > %s)", got-want, r.Gov, r.Target)
		}
	}
	return "MISS (" + r.Gov + " against " + r.Target + ")"
}

var secondsTarget = regexp.MustCompile(`^≤([\d.]+) s$`)

func scalePlots(runs []map[string]string) []figure {
	cpu := seriesPlot{file: "scale-cpu.png", title: "Master CPU against VRRP instances", x: "instances per router", y: "% of a core"}
	rss := seriesPlot{file: "scale-rss.png", title: "Master RSS against VRRP instances", x: "instances per router", y: "MB"}
	for _, impl := range []string{"govrrpd", "keepalived"} {
		var c, m [][2]float64
		for _, r := range runs {
			// The error column mixes notes and errors; a run that failed
			// has no figures, which the parse below skips.
			if r["impl"] != impl {
				continue
			}
			n, err1 := strconv.ParseFloat(r["instances"], 64)
			cp, err2 := strconv.ParseFloat(r["cpu_master"], 64)
			kib, err3 := strconv.ParseFloat(r["rss_master_kib"], 64)
			if err1 != nil || err2 != nil || err3 != nil || kib == 0 {
				continue
			}
			c = append(c, [2]float64{n, cp})
			m = append(m, [2]float64{n, kib / 1024})
		}
		if len(c) > 0 {
			cpu.series = append(cpu.series, series{name: impl, pts: c})
			rss.series = append(rss.series, series{name: impl, pts: m})
		}
	}
	return []figure{cpu, rss}
}
