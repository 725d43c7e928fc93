package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/internal/bgpproc"
	"github.com/govrrpd/govrrpd/internal/control/controltest"
	"github.com/govrrpd/govrrpd/internal/daemon"
	"github.com/govrrpd/govrrpd/internal/lvs"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricstest"
	"github.com/govrrpd/govrrpd/internal/status"
)

// sampleMetrics is the registry of a daemon running every subsystem, each
// registered as it registers itself at start, over the fake's state.
func sampleMetrics(t *testing.T, f *controltest.Fake) (*metrics.Metrics, *lvs.Collectors) {
	t.Helper()
	m := metrics.New("0.1.0-test")
	lc := lvs.NewCollectors(func() ([]status.VirtualServer, status.ReconcileStats) {
		d, _ := f.Snapshot(context.Background())
		return d.VirtualServers, d.Reconcile
	})
	bgpStatus := func(ctx context.Context) (status.BGP, error) {
		d, err := f.Snapshot(ctx)
		if d.BGP == nil {
			return status.BGP{}, err
		}
		return *d.BGP, err
	}
	err := errors.Join(daemon.RegisterMetrics(m, f.Snapshot), lc.Register(m), bgpproc.RegisterMetrics(m, bgpStatus))
	if err != nil {
		t.Fatal(err)
	}
	return m, lc
}

// TestMetricsGolden pins every govrrpd_* series of the sample state: the
// names, labels and help text operators' dashboards and alerts match.
func TestMetricsGolden(t *testing.T) {
	m, lc := sampleMetrics(t, controltest.New())
	lc.ObserveCheck(check.HTTP, true, 3*time.Millisecond)
	lc.ObserveCheck(check.HTTP, false, 2*time.Second)
	code, body := metricstest.Scrape(t, m)
	if code != 200 {
		t.Fatalf("scrape: %d %s", code, body)
	}
	got := metricstest.Own(body)
	if *update {
		if err := os.WriteFile("testdata/metrics.prom", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/metrics.prom")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("metrics differ from testdata/metrics.prom (run with -update):\n%s", got)
	}
	if !strings.Contains(body, `govrrpd_build_info{goversion="go`) {
		t.Error("no build info")
	}
}

// TestMetricsLint runs Prometheus's own naming lint over every
// subsystem's collectors.
func TestMetricsLint(t *testing.T) {
	m, _ := sampleMetrics(t, controltest.New())
	metricstest.Lint(t, m, "govrrpd_")
}

// TestMetricsFollowSnapshot: a new state shows at the next scrape.
func TestMetricsFollowSnapshot(t *testing.T) {
	f := controltest.New()
	m, _ := sampleMetrics(t, f)
	_, before := metricstest.Scrape(t, m)
	if err := f.Drain(context.Background(), "TCP 192.0.2.100:80", "192.0.2.21:80", true); err != nil {
		t.Fatal(err)
	}
	_, after := metricstest.Scrape(t, m)
	line := `govrrpd_ipvs_destination_drained{real_server="192.0.2.21:80",virtual_server="TCP 192.0.2.100:80"} `
	if !strings.Contains(before, line+"0") || !strings.Contains(after, line+"1") {
		t.Errorf("drain not visible in the next scrape")
	}
}
