package daemon

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricstest"
	"github.com/govrrpd/govrrpd/internal/status"
)

// TestMetricsSnapshotError: a daemon that cannot answer fails the scrape
// instead of reporting zeros.
func TestMetricsSnapshotError(t *testing.T) {
	m := metrics.New("test")
	busy := func(context.Context) (status.Daemon, error) { return status.Daemon{}, errors.New("event loop busy") }
	if err := RegisterMetrics(m, busy); err != nil {
		t.Fatal(err)
	}
	code, body := metricstest.Scrape(t, m)
	if code != 500 || !strings.Contains(body, "event loop busy") {
		t.Errorf("scrape with a failing snapshot: %d %s", code, body)
	}
}

// TestMetricsReRegister: the running loop's collectors, registered again
// on the same registry (a second daemon in one process), replace the
// first ones: one series per instance, from the daemon registered last.
func TestMetricsReRegister(t *testing.T) {
	m := metrics.New("test")
	for _, prio := range []int{100, 120} {
		h := newHarness(t, instanceText("VI_1", "eth0", 1, prio, "192.0.2.100/24"), "eth0=192.0.2.1")
		runLoop(t, h)
		if err := h.d.registerMetrics(m); err != nil {
			t.Fatal(err)
		}
	}
	code, body := metricstest.Scrape(t, m)
	if code != 200 || strings.Count(body, "govrrpd_vrrp_priority{") != 1 ||
		!strings.Contains(body, `govrrpd_vrrp_priority{instance="VI_1"} 120`+"\n") {
		t.Errorf("scrape after a second registration: %d\n%s", code, metricstest.Own(body))
	}
}
