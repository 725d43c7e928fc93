package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// writeReport writes the markdown report and its plots. Every selected
// source appears: one that produced no figures gets a MISS row saying why,
// so nothing is left out silently.
func writeReport(path string, e *env, results []sourceResult) error {
	plotDir := strings.TrimSuffix(path, ".md")
	if err := os.MkdirAll(plotDir, 0o755); err != nil {
		return err
	}
	var rows []Row
	var figs []string
	for _, sr := range results {
		if sr.err != nil || sr.res == nil {
			rows = append(rows, Row{Group: sr.src.name, Name: sr.src.about, Gov: "–", Ref: "–", Ratio: math.NaN(),
				Target: "a measurement", Verdict: "MISS: not measured (" + oneLine(sr.err) + ")"})
			continue
		}
		rows = append(rows, sr.res.rows...)
		for _, p := range sr.res.plots {
			file, err := p.draw(plotDir)
			if err != nil {
				return err
			}
			figs = append(figs, fmt.Sprintf("![%s](%s/%s)", p.caption(), filepath.Base(plotDir), file))
		}
	}
	var b bytes.Buffer
	header(&b, e, rows)
	fmt.Fprintln(&b, "| source | figure | govrrpd | keepalived 2.2.7 (or the reference named) | ratio | target | verdict |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|")
	for _, r := range rows {
		v := r.Verdict
		if v == "" {
			v = "– (no target)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Group, cell(r.Name), cell(r.Gov), cell(r.Ref),
			r.ratio(), cell(r.Target), cell(v))
	}
	if len(figs) > 0 {
		fmt.Fprintln(&b, "\n## Plots")
		for _, f := range figs {
			fmt.Fprintf(&b, "\n%s\n", f)
		}
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func header(b *bytes.Buffer, e *env, rows []Row) {
	pass, targets := 0, 0
	for _, r := range rows {
		if r.Verdict != "" {
			targets++
			if r.pass() {
				pass++
			}
		}
	}
	fmt.Fprintf(b, "# Benchmarks: govrrpd against keepalived\n\n")
	fmt.Fprintf(b, "Made by `make bench` (tools/benchreport); `make bench ROWS=conftest,idle-rss` runs a subset, "+
		"and `go run ./tools/benchreport -from DIR` redraws a report from kept outputs.\n\n")
	fmt.Fprintf(b, "- date: %s\n- commit: %s\n- machine: %s, %d CPUs, %s RAM\n- kernel: %s\n- keepalived: %s\n"+
		"- load average: %s at the start, %s at the end (the figures are only as quiet as the machine)\n\n",
		e.date, e.commit, e.cpu, e.cores, e.mem, e.kernel, e.keepalived, e.loadStart, e.loadEnd)
	if e.loadMax > 0 {
		fmt.Fprintf(b, "Highest one-minute load average during the run: %.2f.\n\n", e.loadMax)
	}
	if len(e.reruns) > 0 {
		fmt.Fprintf(b, "Measured later than the run above (its other rows are that run's):\n\n")
		for _, l := range e.reruns {
			fmt.Fprintf(b, "- %s\n", l)
		}
		fmt.Fprintln(b)
	}
	if e.note != "" {
		fmt.Fprintf(b, "Conditions: %s\n\n", e.note)
	}
	fmt.Fprintf(b, "**%d of %d rows with a target pass.** A miss says by how much.\n\n", pass, targets)
	if len(e.skipped) > 0 {
		fmt.Fprintf(b, "**Not run for this report** (a subset was asked for): %s. `make bench` runs them all.\n\n",
			strings.Join(e.skipped, ", "))
	}
}

// cell keeps a value inside its table cell.
func cell(s string) string {
	if s == "" {
		return "–"
	}
	return strings.ReplaceAll(s, "|", `\|`)
}

func oneLine(err error) string {
	if err == nil {
		return "no output"
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
