package bgpproc

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/bgpspeaker/bgptest"
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
		`govrrpd_bgp_helper_up 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("no %s", want)
		}
	}
	metricstest.Lint(t, m, "govrrpd_bgp_")
}

// A helper being restarted shows as down, its announcements withdrawn.
func TestBGPMetricsHelperDown(t *testing.T) {
	m := metrics.New("test")
	down := func(context.Context) (status.BGP, error) {
		return downStatus(bgptest.Config(), "helper exited (signal: killed), restarting"), errors.New("down")
	}
	if err := RegisterMetrics(m, down); err != nil {
		t.Fatal(err)
	}
	_, body := metricstest.Scrape(t, m)
	for _, want := range []string{"govrrpd_bgp_helper_up 0", `govrrpd_bgp_announced{prefix="192.0.2.200/32"} 0`} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("no %s in\n%s", want, metricstest.Own(body))
		}
	}
}
