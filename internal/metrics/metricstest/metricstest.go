package metricstest

import (
	"bufio"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricshttp"
)

// Scrape GETs /metrics from m's handler: the status code and the body. A
// page served with 200 that Prometheus's parser refuses fails t.
func Scrape(t testing.TB, m *metrics.Metrics) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	metricshttp.Handler(m).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	if rec.Code == 200 {
		if err := Parse(body); err != nil {
			t.Errorf("the page does not parse as the text format: %v\n%s", err, body)
		}
	}
	return rec.Code, body
}

// Parse is Prometheus's text parser's verdict on a page.
func Parse(body string) error {
	p := expfmt.NewTextParser(model.LegacyValidation)
	_, err := p.TextToMetricFamilies(strings.NewReader(body))
	return err
}

// Own keeps govrrpd's series, dropping the Go runtime's, the process's
// and build info's goversion, whose values change from run to run.
func Own(body string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		l := sc.Text()
		if strings.Contains(l, "govrrpd_") && !strings.Contains(l, "goversion=") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

var (
	snake = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// nonBase are units Prometheus names in their base unit instead.
	nonBase = regexp.MustCompile(`_(milliseconds|microseconds|nanoseconds|minutes|hours|days|weeks|ms|us|ns|` +
		`kilobytes|megabytes|gigabytes|terabytes|bits|percent|celsius|fahrenheit)(_|$)`)
)

// Lint fails t for every family named prefix* that breaks Prometheus's
// naming conventions (the rules of its promlint): snake case, _total on
// counters and only there, no _count, _sum or _bucket of its own, base
// units, a help text.
func Lint(t testing.TB, m *metrics.Metrics, prefix string) {
	t.Helper()
	for _, d := range m.Descs() {
		if strings.HasPrefix(d.Name(), prefix) {
			for _, p := range Problems(d) {
				t.Errorf("%s: %s", d.Name(), p)
			}
		}
	}
}

// Problems are d's breaches of the naming conventions.
func Problems(d *metrics.Desc) []string {
	var out []string
	n := d.Name()
	if !snake.MatchString(n) {
		out = append(out, "not snake case")
	}
	total := strings.HasSuffix(n, "_total")
	switch {
	case d.Type() == metrics.CounterType && !total:
		out = append(out, "a counter's name ends in _total")
	case d.Type() != metrics.CounterType && total:
		out = append(out, "only a counter's name ends in _total")
	}
	for _, s := range []string{"_count", "_sum", "_bucket"} {
		if strings.HasSuffix(n, s) {
			out = append(out, "ends in "+s+", which a histogram or summary adds")
		}
	}
	if u := nonBase.FindStringSubmatch(n); u != nil {
		out = append(out, "names a unit ("+u[1]+") that is not a base unit")
	}
	if strings.TrimSpace(d.Help()) == "" {
		out = append(out, "no help text")
	}
	for _, l := range d.Labels() {
		if !snake.MatchString(l) {
			out = append(out, "label "+l+": not snake case")
		}
	}
	return out
}
