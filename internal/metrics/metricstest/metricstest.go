package metricstest

import (
	"bufio"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/govrrpd/govrrpd/internal/metrics"
)

// Scrape GETs /metrics from m's handler: the status code and the body.
func Scrape(t testing.TB, m *metrics.Metrics) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Code, rec.Body.String()
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

// Lint fails t for every problem Prometheus's own naming lint finds in a
// series named prefix*.
func Lint(t testing.TB, m *metrics.Metrics, prefix string) {
	t.Helper()
	problems, err := testutil.GatherAndLint(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, prefix) {
			t.Errorf("%s: %s", p.Metric, p.Text)
		}
	}
}
