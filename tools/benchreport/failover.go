package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// failover reads bench/failover.sh's output (tools/failbench): the summary
// table on stdout gives each cell's bound and failbench's verdict, and
// results.tsv every run's client outage for the distribution plots.
func parseFailover(dir string) (*result, error) {
	table, err := readTable(filepath.Join(dir, "stdout.txt"), "mode", "event")
	if err != nil {
		return nil, err
	}
	runs, err := readTSV(filepath.Join(dir, "results.tsv"))
	if err != nil {
		return nil, err
	}
	res := &result{}
	for _, c := range table {
		cell := c["mode"] + " " + c["event"]
		bound, err := strconv.ParseFloat(c["bound ms"], 64)
		if err != nil {
			return nil, fmt.Errorf("failover %s: bound %q: %w", cell, c["bound ms"], err)
		}
		gov, ka := outages(runs, "govrrpd", c), outages(runs, "keepalived", c)
		r := Row{Group: "failover", Name: cell + ": client outage, min / median / max ms (bound " + c["bound ms"] + " ms)",
			Gov: c["govrrpd outage"], Ref: c["keepalived outage"], Ratio: math.NaN(),
			Target: "paired Δ ≤ 0 (medians with < 3 pairs); max ≤ bound + 50 ms"}
		if s := strings.TrimSuffix(firstOf(c, "outage ratio", "ratio"), "×"); s != "" {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				r.Ratio = v
			}
		}
		r.Verdict = failoverVerdict(c["verdict"], c["paired Δ outage"], gov, ka, bound)
		res.rows = append(res.rows, r)
		res.plots = append(res.plots, outagePlot{cell: cell, bound: bound, gov: gov, ka: ka})
	}
	if len(res.rows) == 0 {
		return nil, fmt.Errorf("failover: no table rows in %s", dir)
	}
	return res, nil
}

// failoverVerdict turns failbench's verdict into the report's, saying by
// how much a miss missed: by the paired Δ where failbench judged on it
// ("-0.7 (3)": a median over 3 phase-matched pairs), else by the medians.
func failoverVerdict(v, paired string, gov, ka []float64, bound float64) string {
	if v == "ok" {
		return "pass"
	}
	if v == "" {
		return "MISS: no verdict in the output"
	}
	if v == "MISS: slower than keepalived" {
		// A run before failbench judged on the pairs (a964d7c) said
		// "slower" on the medians alone; its recorded pairs decide now.
		if d, n := pairedDelta(paired); n >= 3 && d <= 0 {
			return fmt.Sprintf("pass (paired Δ %+.1f ms over %d pairs; the run itself, judging by medians, said slower than keepalived)", d, n)
		}
	}
	var by []string
	if d, n := pairedDelta(paired); n >= 3 {
		if d > 0 {
			by = append(by, fmt.Sprintf("paired Δ +%.1f ms over %d pairs", d, n))
		}
	} else if len(gov) > 0 && len(ka) > 0 {
		if d := median(gov) - median(ka); d > 0 {
			by = append(by, fmt.Sprintf("median +%.1f ms over keepalived's", d))
		}
	}
	if len(gov) > 0 {
		if d := slicesMax(gov) - (bound + 50); d > 0 {
			by = append(by, fmt.Sprintf("max %.1f ms over bound + 50 ms", d))
		}
	}
	out := "MISS (" + strings.TrimSpace(strings.TrimPrefix(v, "MISS:")) + ")"
	if len(by) > 0 {
		out += ": " + strings.Join(by, ", ")
	}
	return out
}

// pairedDelta reads failbench's paired column, "-0.7 (3)"; n is 0 when
// there is none ("—").
func pairedDelta(s string) (float64, int) {
	var d float64
	var n int
	if _, err := fmt.Sscanf(s, "%g (%d)", &d, &n); err != nil {
		return 0, 0
	}
	return d, n
}

// outages are one implementation's outage_ms in a table cell, from runs
// without an error.
func outages(runs []map[string]string, impl string, cell map[string]string) []float64 {
	var out []float64
	for _, r := range runs {
		if r["impl"] != impl || r["mode"] != cell["mode"] || r["event"] != cell["event"] || r["error"] != "" {
			continue
		}
		if v, err := strconv.ParseFloat(r["outage_ms"], 64); err == nil {
			out = append(out, v)
		}
	}
	return out
}

var wideGap = regexp.MustCompile(`\s{2,}`)

// readTable reads a tabwriter table whose header starts with the given
// column names; columns are split at runs of two or more spaces, and each
// row becomes a map by header name. Reading stops at the first line that
// is not a row.
func readTable(path string, first ...string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var header []string
	var rows []map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cells := wideGap.Split(strings.TrimSpace(sc.Text()), -1)
		if header == nil {
			if len(cells) > len(first) && equalPrefix(cells, first) {
				header = cells
			}
			continue
		}
		if len(cells) < len(first)+1 {
			break
		}
		row := map[string]string{}
		for i, h := range header {
			if i < len(cells) {
				row[h] = cells[i]
			}
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if header == nil {
		return nil, fmt.Errorf("%s: no table with columns %v", path, first)
	}
	return rows, nil
}

func equalPrefix(cells, first []string) bool {
	for i, c := range first {
		if cells[i] != c {
			return false
		}
	}
	return true
}

// readTSV reads a tab-separated file with a header line into maps.
func readTSV(path string) ([]map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	header := strings.Split(lines[0], "\t")
	var rows []map[string]string
	for i, l := range lines[1:] {
		cells := strings.Split(l, "\t")
		if len(cells) != len(header) {
			return nil, fmt.Errorf("%s:%d: %d fields, header has %d", path, i+2, len(cells), len(header))
		}
		row := map[string]string{}
		for j, h := range header {
			row[h] = cells[j]
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return ""
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func slicesMax(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = max(m, x)
	}
	return m
}
