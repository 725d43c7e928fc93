package metrics_test

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/govrrpd/govrrpd/internal/control/controltest"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/status"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

func scrape(t *testing.T, m *metrics.Metrics) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Code, rec.Body.String()
}

// own keeps govrrpd's series, dropping the Go runtime's and the process's,
// whose values change from run to run.
func own(body string) string {
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

// TestMetricsGolden pins every govrrpd_* series of the sample snapshot.
func TestMetricsGolden(t *testing.T) {
	f := controltest.New()
	m := metrics.New(f.Snapshot, "0.1.0-test")
	m.ObserveCheck("HTTP_GET", true, 3*time.Millisecond)
	m.ObserveCheck("HTTP_GET", false, 2*time.Second)
	code, body := scrape(t, m)
	if code != 200 {
		t.Fatalf("scrape: %d %s", code, body)
	}
	got := own(body)
	if *update {
		os.WriteFile("testdata/sample.prom", []byte(got), 0o644)
	}
	want, err := os.ReadFile("testdata/sample.prom")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("metrics differ from testdata/sample.prom (run with -update):\n%s", got)
	}
	if !strings.Contains(body, `govrrpd_build_info{goversion="go`) {
		t.Error("no build info")
	}
}

// TestMetricsLint runs Prometheus's own naming lint over every collector.
func TestMetricsLint(t *testing.T) {
	lint(t, metrics.New(controltest.New().Snapshot, "test"), "govrrpd_")
}

// lint fails t for every lint problem of a series named prefix*.
func lint(t *testing.T, m *metrics.Metrics, prefix string) {
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

// TestMetricsFollowSnapshot: a new snapshot shows at the next scrape.
func TestMetricsFollowSnapshot(t *testing.T) {
	f := controltest.New()
	m := metrics.New(f.Snapshot, "test")
	_, before := scrape(t, m)
	f.Drain(context.Background(), "TCP 192.0.2.100:80", "192.0.2.21:80", true)
	_, after := scrape(t, m)
	line := `govrrpd_ipvs_destination_drained{real_server="192.0.2.21:80",virtual_server="TCP 192.0.2.100:80"} `
	if !strings.Contains(before, line+"0") || !strings.Contains(after, line+"1") {
		t.Errorf("drain not visible in the next scrape")
	}
}

// TestMetricsSnapshotError: a daemon that cannot answer fails the scrape
// instead of reporting zeros.
func TestMetricsSnapshotError(t *testing.T) {
	m := metrics.New(func(context.Context) (status.Daemon, error) { return status.Daemon{}, errors.New("event loop busy") }, "test")
	code, body := scrape(t, m)
	if code != 500 || !strings.Contains(body, "event loop busy") {
		t.Errorf("scrape with a failing snapshot: %d %s", code, body)
	}
}

// TestStatusCarriesNoSecret guards the one door to /metrics and the API:
// the status types. A field that could hold auth_pass, a token or a key is
// a failure.
func TestStatusCarriesNoSecret(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, path string) {
		for ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map || ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for i := range ty.NumField() {
			f := ty.Field(i)
			name := strings.ToLower(f.Name + " " + f.Tag.Get("json"))
			for _, bad := range []string{"pass", "secret", "token", "password", "key_file", "privkey"} {
				if strings.Contains(name, bad) {
					t.Errorf("%s.%s may carry a secret", path, f.Name)
				}
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeOf(status.Daemon{}), "Daemon")
	walk(reflect.TypeOf(status.Plan{}), "Plan")
}
