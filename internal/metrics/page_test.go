package metrics_test

import (
	"compress/gzip"
	"flag"
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricshttp"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

// seriesValue is a sample line's value, which changes from run to run for
// the process's own series.
var seriesValue = regexp.MustCompile(` [^ ]+$`)

// shape is the page without the values: every HELP and TYPE line and the
// name and labels of every series, with the Go version written as
// GOVERSION.
func shape(body string) string {
	var b strings.Builder
	for l := range strings.Lines(body) {
		if !strings.HasPrefix(l, "#") {
			l = seriesValue.ReplaceAllString(strings.TrimSuffix(l, "\n"), "") + "\n"
		}
		b.WriteString(strings.ReplaceAll(l, runtime.Version(), "GOVERSION"))
	}
	return b.String()
}

// TestProcessFamiliesGolden pins the series that are the process's and
// no subsystem's — the Go runtime's go_*, the process's process_* and
// build info — as operators' dashboards name them: testdata/process.prom
// was written by the client_golang registry this package used before its
// own exposition, so that the two pages are shown the same.
func TestProcessFamiliesGolden(t *testing.T) {
	rec := httptest.NewRecorder()
	metricshttp.Handler(metrics.New("0.1.0-test")).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	roundTrip(t, rec.Body.String())
	got := shape(rec.Body.String())
	if *update {
		if err := os.WriteFile("testdata/process.prom", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/process.prom")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("page differs from testdata/process.prom (run with -update):\n%s", got)
	}
}

// TestHandlerNegotiation: the text format 0.0.4 by default, gzip when
// the client asks for it.
func TestHandlerNegotiation(t *testing.T) {
	const text = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"
	h := metricshttp.Handler(metrics.New("test"))
	for _, c := range []struct {
		name, accept, encoding string
		gzip                   bool
	}{
		{name: "plain"},
		{name: "gzip", encoding: "gzip", gzip: true},
		{name: "gzip among others", encoding: "br, gzip;q=0.8", gzip: true},
		{name: "unknown encoding", encoding: "zstd"},
		{name: "OpenMetrics asked", accept: "application/openmetrics-text;version=1.0.0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/metrics", nil)
			if c.accept != "" {
				r.Header.Set("Accept", c.accept)
			}
			if c.encoding != "" {
				r.Header.Set("Accept-Encoding", c.encoding)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if ct := rec.Header().Get("Content-Type"); rec.Code != 200 || ct != text {
				t.Fatalf("%d %q, want 200 %q", rec.Code, ct, text)
			}
			body := io.Reader(rec.Body)
			if c.gzip {
				if ce := rec.Header().Get("Content-Encoding"); ce != "gzip" {
					t.Fatalf("Content-Encoding %q, want gzip", ce)
				}
				zr, err := gzip.NewReader(body)
				if err != nil {
					t.Fatal(err)
				}
				body = zr
			} else if ce := rec.Header().Get("Content-Encoding"); ce != "" {
				t.Fatalf("Content-Encoding %q, want none", ce)
			}
			b, err := io.ReadAll(body)
			if err != nil || !strings.Contains(string(b), "\ngo_goroutines ") {
				t.Errorf("body (%v):\n%s", err, b)
			}
		})
	}
}
