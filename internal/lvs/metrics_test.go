package lvs

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricstest"
	"github.com/govrrpd/govrrpd/ipvs"
)

// TestCountersReachMetrics: the subsystem registers its collectors when
// it starts, and again, without a clash, when a reload brings the first
// virtual_server (Reload starts it then); the reconciler's operations, a
// TCP_CHECK's refused attempts and their latencies, counted by the
// subsystem, are what /metrics shows.
func TestCountersReachMetrics(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nobody listens there now: every attempt is refused
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := metrics.New("test")
	s := New(Options{Log: quiet, NewBackend: func() (ipvs.Backend, error) { return ipvs.NewMemory(), nil }, Metrics: m})
	dir := t.TempDir()
	s.Start(ctx, load(t, dir, "global_defs {\n}\n"))
	t.Cleanup(s.Stop)
	if code, body := metricstest.Scrape(t, m); code != 200 || !strings.Contains(body, "govrrpd_ipvs_services 0\n") {
		t.Fatalf("before any virtual_server: %d\n%s", code, metricstest.Own(body))
	}
	s.Reload(ctx, load(t, dir, fmt.Sprintf(`
virtual_server 192.0.2.10 80 {
    delay_loop 1
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 127.0.0.1 %d {
        weight 10
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
`, port)))
	want := []string{
		`govrrpd_check_failures_total{kind="TCP_CHECK",reason="refused"} `,
		`govrrpd_check_results_total{kind="TCP_CHECK",result="down"} `,
		`govrrpd_check_latency_seconds_count{kind="TCP_CHECK",result="down"} `,
		`govrrpd_ipvs_services 1` + "\n",
		`govrrpd_ipvs_reconcile_operations_total{kind="add-service"} 1`,
		`govrrpd_ipvs_reconcile_operations_total{kind="add-dest"} 1`,
		`govrrpd_ipvs_reconcile_errors_total 0`,
	}
	eventually(t, "counters on /metrics", func() string {
		code, body := metricstest.Scrape(t, m)
		if code != 200 {
			return fmt.Sprintf("scrape: %d %s", code, body)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				return "no " + w + " in\n" + metricstest.Own(body)
			}
		}
		return ""
	})
}
