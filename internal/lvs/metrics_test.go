package lvs

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/status"
)

// TestCountersReachMetrics: the reconciler's operations and a TCP_CHECK's
// refused attempts, counted by the subsystem, are what /metrics shows.
func TestCountersReachMetrics(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nobody listens there now: every attempt is refused
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newMem(t, ctx, load(t, t.TempDir(), fmt.Sprintf(`
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
	m := metrics.New(func(context.Context) (status.Daemon, error) {
		return status.Daemon{VirtualServers: s.Snapshot(), Reconcile: s.ReconcileStats()}, nil
	}, "test")
	want := []string{
		`govrrpd_check_failures_total{kind="TCP_CHECK",reason="refused"} `,
		`govrrpd_check_results_total{kind="TCP_CHECK",result="down"} `,
		`govrrpd_ipvs_reconcile_operations_total{kind="add-service"} 1`,
		`govrrpd_ipvs_reconcile_operations_total{kind="add-dest"} 1`,
		`govrrpd_ipvs_reconcile_errors_total 0`,
	}
	eventually(t, "counters on /metrics", func() string {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		body := rec.Body.String()
		for _, w := range want {
			if !strings.Contains(body, w) {
				return "no " + w + " in\n" + body
			}
		}
		return ""
	})
}
