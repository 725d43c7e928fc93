package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// parseReliability reads the reliability suite's RESULT lines (`make
// reliability`, test/reliability):
//
//	RESULT	TestName/case	impl	pass|MISS	figure text
//
// one row per case (a test prints several), govrrpd's figure beside
// keepalived's where the case ran both. The verdict is govrrpd's (the suite fails on a govrrpd miss only);
// the figure says by how much. ROW lines are read too.
func parseReliability(dir string) (*result, error) {
	b, err := os.ReadFile(filepath.Join(dir, "stdout.txt"))
	if err != nil {
		return nil, err
	}
	res := &result{}
	index := map[string]int{}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.SplitN(strings.TrimSpace(l), "\t", 5)
		if len(f) != 5 || f[0] != "RESULT" {
			continue
		}
		test, impl, verdict, figure := f[1], f[2], f[3], f[4]
		name := caseName(test, impl, figure)
		i, ok := index[name]
		if !ok {
			i = len(res.rows)
			index[name] = i
			res.rows = append(res.rows, Row{Group: "reliability", Name: name, Ratio: math.NaN(),
				Target: "issue #16's, in the figure"})
		}
		r := &res.rows[i]
		switch impl {
		case "keepalived":
			r.Ref = figure
		default:
			r.Gov = figure
			r.Verdict = "pass"
			if verdict != "pass" {
				r.Verdict = "MISS: " + figure
			}
		}
	}
	for i := range res.rows {
		if res.rows[i].Verdict == "" {
			res.rows[i].Verdict = "MISS: no govrrpd figure"
		}
	}
	if extra, err := parseRows(dir); err == nil {
		res.rows = append(res.rows, extra.rows...)
	}
	if len(res.rows) == 0 {
		return nil, fmt.Errorf("reliability: no RESULT or ROW lines in %s", filepath.Join(dir, "stdout.txt"))
	}
	return res, nil
}

// caseName names one case of the suite, the same for both daemons: the test
// path without its daemon element, then the figure's label up to its
// first " (" or ":" (the label's parenthesis carries per-run details such
// as a flood's rate, which differ between the daemons).
func caseName(test, impl, figure string) string {
	var parts []string
	for _, p := range strings.Split(test, "/") {
		if p != impl {
			parts = append(parts, p)
		}
	}
	label := figure
	if i := strings.IndexAny(label, ":("); i >= 0 {
		label = label[:i]
	}
	label = strings.TrimSpace(label)
	if label == "" {
		return strings.Join(parts, "/")
	}
	return strings.Join(parts, "/") + ": " + label
}
