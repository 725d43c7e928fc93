package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Row is one line of the report: a figure of govrrpd next to keepalived's
// (or the named reference), their ratio, the target and the verdict.
type Row struct {
	Group   string // the source that measured it (failover, conftest, ...)
	Name    string
	Gov     string  // govrrpd's figure, with its unit
	Ref     string  // keepalived's (or the reference the name gives)
	Ratio   float64 // govrrpd / reference; NaN when there is none
	Target  string
	Verdict string // "pass", "MISS: by how much", or "" when the row has no target
}

func (r Row) ratio() string {
	if math.IsNaN(r.Ratio) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", r.Ratio)
}

// pass says whether the row met its target.
// pass is a verdict of "pass", with or without a note after it.
func (r Row) pass() bool { return r.Verdict == "pass" || strings.HasPrefix(r.Verdict, "pass (") }

// ratioVerdict is the verdict of "ratio ≤ max": a miss says by how much.
func ratioVerdict(ratio, max float64) string {
	switch {
	case math.IsNaN(ratio):
		return "MISS: no figure to compare"
	case ratio <= max:
		return "pass"
	}
	return fmt.Sprintf("MISS by %.0f %% (%.2f× > %.2f×)", (ratio/max-1)*100, ratio, max)
}

// parseROW reads the line format every benchmark may print for the report:
//
//	ROW name="master CPU" govrrpd=24.7% keepalived=17.6% ratio=1.40 target="≤1.0×" verdict=miss by="40 %"
//
// Values with spaces are double-quoted. verdict is pass or miss; by, when
// given, says by how much a miss missed.
func parseROW(group, line string) (Row, bool, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "ROW ")
	if !ok {
		return Row{}, false, nil
	}
	kv, err := splitKV(rest)
	if err != nil {
		return Row{}, true, fmt.Errorf("%q: %w", line, err)
	}
	r := Row{Group: group, Name: kv["name"], Gov: kv["govrrpd"], Ref: kv["keepalived"], Ratio: math.NaN(), Target: kv["target"]}
	if g := kv["group"]; g != "" {
		r.Group = g
	}
	if r.Name == "" {
		return r, true, fmt.Errorf("%q: no name=", line)
	}
	if s := kv["ratio"]; s != "" {
		if r.Ratio, err = strconv.ParseFloat(strings.TrimSuffix(s, "×"), 64); err != nil {
			return r, true, fmt.Errorf("%q: ratio: %w", line, err)
		}
	}
	switch strings.ToLower(kv["verdict"]) {
	case "pass":
		r.Verdict = "pass"
	case "miss":
		r.Verdict = "MISS"
		if by := kv["by"]; by != "" {
			r.Verdict += " by " + by
		}
	case "":
	default:
		return r, true, fmt.Errorf("%q: verdict %q, want pass or miss", line, kv["verdict"])
	}
	return r, true, nil
}

// splitKV splits `a=1 b="x y"` into a map.
func splitKV(s string) (map[string]string, error) {
	m := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \"") {
			return nil, fmt.Errorf("expected key=value at %q", s)
		}
		if strings.HasPrefix(v, `"`) {
			// Benches write values with %q: a quote inside is escaped.
			q, err := strconv.QuotedPrefix(v)
			if err != nil {
				return nil, fmt.Errorf("unterminated quote after %s=", k)
			}
			if m[k], err = strconv.Unquote(q); err != nil {
				return nil, fmt.Errorf("%s=%s: %w", k, q, err)
			}
			s = v[len(q):]
			continue
		}
		val, after, _ := strings.Cut(v, " ")
		m[k], s = val, after
	}
	return m, nil
}
