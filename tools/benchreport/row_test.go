package main

import (
	"math"
	"strings"
	"testing"
)

func TestParseROW(t *testing.T) {
	tests := []struct {
		line    string
		isRow   bool
		want    Row
		wantErr string
	}{
		{line: "not a row", isRow: false},
		{line: `ROW name="master CPU" govrrpd=24.7% keepalived=17.6% ratio=1.40 target="≤1.0×" verdict=miss by="40 %"`, isRow: true,
			want: Row{Group: "g", Name: "master CPU", Gov: "24.7%", Ref: "17.6%", Ratio: 1.40, Target: "≤1.0×", Verdict: "MISS by 40 %"}},
		{line: `ROW group=reliability name=flood govrrpd=0 keepalived=2 target=0 verdict=pass`, isRow: true,
			want: Row{Group: "reliability", Name: "flood", Gov: "0", Ref: "2", Ratio: math.NaN(), Target: "0", Verdict: "pass"}},
		{line: `ROW govrrpd=1`, isRow: true, wantErr: "no name"},
		{line: `ROW name="x`, isRow: true, wantErr: "unterminated"},
		{line: `ROW name=x verdict=maybe`, isRow: true, wantErr: "want pass or miss"},
		{line: `ROW name=x ratio=lots`, isRow: true, wantErr: "ratio"},
	}
	for _, tt := range tests {
		r, isRow, err := parseROW("g", tt.line)
		if isRow != tt.isRow {
			t.Errorf("%q: isRow %v", tt.line, isRow)
		}
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err %v, want %q", tt.line, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.line, err)
			continue
		}
		if !tt.isRow {
			continue
		}
		if r.Name != tt.want.Name || r.Group != tt.want.Group || r.Gov != tt.want.Gov || r.Ref != tt.want.Ref ||
			r.Target != tt.want.Target || r.Verdict != tt.want.Verdict || !sameRatio(r.Ratio, tt.want.Ratio) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.line, r, tt.want)
		}
	}
}

func sameRatio(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestRatioVerdict(t *testing.T) {
	tests := []struct {
		ratio, max float64
		want       string
	}{
		{0.4, 0.5, "pass"},
		{0.5, 0.5, "pass"},
		{0.6, 0.5, "MISS by 20 % (0.60× > 0.50×)"},
		{math.NaN(), 1, "MISS: no figure to compare"},
	}
	for _, tt := range tests {
		if got := ratioVerdict(tt.ratio, tt.max); got != tt.want {
			t.Errorf("ratioVerdict(%v, %v) = %q, want %q", tt.ratio, tt.max, got, tt.want)
		}
	}
}
