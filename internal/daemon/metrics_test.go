package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

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

// TestMetricsReadMatchesSnapshot: the scrape's lean read of the loop gives
// the same samples as the full snapshot it replaced, through transitions,
// drops, a sync group and a reload that removes an instance, with its
// buffer reused from scrape to scrape.
func TestMetricsReadMatchesSnapshot(t *testing.T) {
	group := "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
	conf := group + instanceText("VI_1", "eth0", 1, 150, "192.0.2.100/24") +
		instanceText("VI_2", "eth0", 2, 100, "192.0.2.200/24") + instanceText("VI_3", "eth1", 3, 100, "198.51.100.1/24")
	h := newHarness(t, conf, "eth0=192.0.2.1", "eth1=198.51.100.2")
	full, lean := metrics.New("test"), metrics.New("test")
	var buf status.Daemon
	err := errors.Join(
		RegisterMetrics(full, func(context.Context) (status.Daemon, error) { return h.d.snapshot(), nil }),
		RegisterMetrics(lean, func(context.Context) (status.Daemon, error) { buf = h.d.metricsRead(buf); return buf, nil }))
	if err != nil {
		t.Fatal(err)
	}
	same := func(step string) {
		t.Helper()
		_, want := metricstest.Scrape(t, full)
		_, got := metricstest.Scrape(t, lean)
		if metricstest.Own(got) != metricstest.Own(want) {
			t.Errorf("%s: the lean read's samples\n%s\ndiffer from the snapshot's\n%s", step, metricstest.Own(got), metricstest.Own(want))
		}
	}
	same("start")
	h.advance(4 * time.Second) // VI_1 and VI_2 become master
	h.deliver("eth0", mustAddr("192.0.2.2"), mustAddr("224.0.0.18"), 64, []byte{0x21, 1, 200, 1, 0, 1, 0, 0})
	h.deliver("eth1", mustAddr("198.51.100.3"), mustAddr("224.0.0.18"), 255, []byte{0x21})
	same("after the elections and drops")
	if !strings.Contains(metricstest.Own(mustScrape(t, lean)), `govrrpd_vrrp_state{instance="VI_1",state="MASTER"} 1`) {
		t.Errorf("VI_1 is not master: the test drove nothing")
	}
	h.reload(group + instanceText("VI_1", "eth0", 1, 150, "192.0.2.100/24") + instanceText("VI_2", "eth0", 2, 100, "192.0.2.200/24"))
	same("after a reload without VI_3")
}

func mustScrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	code, body := metricstest.Scrape(t, m)
	if code != 200 {
		t.Fatalf("scrape: %d %s", code, body)
	}
	return body
}

// TestMetricsConcurrentScrapes: scrapes at once over the running loop take
// turns with the reused buffer, so each sees whole instances (run with
// -race to see them not share it).
func TestMetricsConcurrentScrapes(t *testing.T) {
	h := newHarness(t, instanceText("VI_1", "eth0", 1, 100, "192.0.2.100/24")+
		instanceText("VI_2", "eth0", 2, 100, "192.0.2.200/24"), "eth0=192.0.2.1")
	runLoop(t, h)
	m := metrics.New("test")
	if err := h.d.registerMetrics(m); err != nil {
		t.Fatal(err)
	}
	errs := make(chan string, 4)
	for range cap(errs) {
		go func() {
			for range 20 {
				if code, body := metricstest.Scrape(t, m); code != 200 || strings.Count(body, "govrrpd_vrrp_priority{") != 2 {
					errs <- fmt.Sprintf("scrape: %d\n%s", code, metricstest.Own(body))
					return
				}
			}
			errs <- ""
		}()
	}
	for range cap(errs) {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
