package main

import (
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

func TestRenderBGP(t *testing.T) {
	var b strings.Builder
	renderBGP(&b, &status.BGP{LocalAS: 65001, RouterID: "198.51.100.11",
		Neighbors: []status.BGPNeighbor{{Addr: "198.51.100.14", AS: 65000, State: "ESTABLISHED",
			Uptime: status.Duration(90 * time.Second), HoldTime: status.Duration(9 * time.Second), PrefixesSent: 1}},
		Announcements: []status.BGPAnnouncement{{Prefix: "192.0.2.200/32", At: "bgp.conf:9",
			Conditions: []status.BGPCondition{{Condition: "virtual_server TCP 192.0.2.200:80 has quorum"}}}}})
	for _, want := range []string{
		"BGP NEIGHBOR (AS 65001, id 198.51.100.11)",
		"198.51.100.14                              65000  ESTABLISHED  1m30s  9s    1     0",
		"192.0.2.200/32  withdrawn  virtual_server TCP 192.0.2.200:80 has quorum: no  bgp.conf:9",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in\n%s", want, b.String())
		}
	}
}

// While the helper is being restarted, status says so first.
func TestRenderBGPDown(t *testing.T) {
	var b strings.Builder
	renderBGP(&b, &status.BGP{LocalAS: 65001, RouterID: "198.51.100.11", Down: "helper exited (signal: killed), restarting",
		Announcements: []status.BGPAnnouncement{{Prefix: "192.0.2.200/32", At: "bgp.conf:9"}}})
	if !strings.HasPrefix(b.String(), "BGP DOWN: helper exited (signal: killed), restarting\n") ||
		!strings.Contains(b.String(), "192.0.2.200/32  withdrawn") {
		t.Errorf("status of a helper being restarted:\n%s", b.String())
	}
	b.Reset()
	renderBGP(&b, &status.BGP{LocalAS: 65001})
	if strings.Contains(b.String(), "DOWN") {
		t.Errorf("a running helper shown down:\n%s", b.String())
	}
}
