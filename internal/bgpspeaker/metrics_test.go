package bgpspeaker

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricstest"
	"github.com/govrrpd/govrrpd/internal/status"
)

func bgpStatus(context.Context) (status.BGP, error) {
	return status.BGP{LocalAS: 65001, RouterID: "198.51.100.11",
		Neighbors: []status.BGPNeighbor{
			{Addr: "198.51.100.14", AS: 65000, State: "ESTABLISHED", Uptime: status.Duration(90 * time.Second),
				HoldTime: status.Duration(9 * time.Second), PrefixesSent: 1},
			{Addr: "198.51.100.15", AS: 65000, State: "ACTIVE"},
		},
		Announcements: []status.BGPAnnouncement{{Prefix: "192.0.2.200/32", Announced: false,
			Conditions: []status.BGPCondition{{Condition: "virtual_server TCP 192.0.2.200:80 has quorum", Holds: false}}}},
	}, nil
}

func TestBGPMetrics(t *testing.T) {
	m := metrics.New("test")
	if err := RegisterMetrics(m, bgpStatus); err != nil {
		t.Fatal(err)
	}
	code, body := metricstest.Scrape(t, m)
	if code != 200 {
		t.Fatalf("scrape: %d %s", code, body)
	}
	for _, want := range []string{
		`govrrpd_bgp_session_state{neighbor="198.51.100.14",state="ESTABLISHED"} 1`,
		`govrrpd_bgp_session_state{neighbor="198.51.100.14",state="ACTIVE"} 0`,
		`govrrpd_bgp_session_state{neighbor="198.51.100.15",state="ACTIVE"} 1`,
		`govrrpd_bgp_session_uptime_seconds{neighbor="198.51.100.14"} 90`,
		`govrrpd_bgp_session_hold_time_seconds{neighbor="198.51.100.14"} 9`,
		`govrrpd_bgp_prefixes_sent{neighbor="198.51.100.14"} 1`,
		`govrrpd_bgp_prefixes_received{neighbor="198.51.100.15"} 0`,
		`govrrpd_bgp_announced{prefix="192.0.2.200/32"} 0`,
		`govrrpd_bgp_condition{condition="virtual_server TCP 192.0.2.200:80 has quorum",prefix="192.0.2.200/32"} 0`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("no %s", want)
		}
	}
	metricstest.Lint(t, m, "govrrpd_bgp_")
}

// Start registers the collector over the running speaker; without
// --bgp-config no speaker starts, so nothing registers govrrpd_bgp_*. A
// second speaker started on the same registry (a test's second daemon)
// replaces the first one's collector instead of clashing with it.
func TestStartRegistersMetrics(t *testing.T) {
	m := metrics.New("test")
	announced := `govrrpd_bgp_announced{prefix="` + vip.String() + `"} 0` + "\n"
	if _, body := metricstest.Scrape(t, m); strings.Contains(body, "govrrpd_bgp_") {
		t.Errorf("bgp series before Start:\n%s", metricstest.Own(body))
	}
	for range 2 {
		s := New(Options{Log: testLog(t), State: (&conditions{}).state, Metrics: m})
		if err := s.Start(context.Background(), config()); err != nil {
			t.Fatal(err)
		}
		code, body := metricstest.Scrape(t, m)
		if code != 200 || strings.Count(body, announced) != 1 {
			t.Errorf("a started speaker's scrape: %d, want one %s in\n%s", code, announced, metricstest.Own(body))
		}
		s.Stop(context.Background())
	}
}
