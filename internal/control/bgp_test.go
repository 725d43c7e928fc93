package control_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/status"
)

// GET /api/v1/bgp: 404 naming the flag without --bgp-config, the BGP
// section with it.
func TestAPIBGP(t *testing.T) {
	s, f, _ := newServer(t, nil)
	h := s.SocketHandler()
	rec := do(t, asSocketPeer(h), "GET", "/api/v1/bgp", "")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "--bgp-config") {
		t.Errorf("without BGP: %d %s", rec.Code, rec.Body)
	}
	f.D.BGP = &status.BGP{LocalAS: 65001, RouterID: "198.51.100.11",
		Neighbors:     []status.BGPNeighbor{{Addr: "198.51.100.14", AS: 65000, State: "ESTABLISHED", PrefixesSent: 1}},
		Announcements: []status.BGPAnnouncement{{Prefix: "192.0.2.200/32", Announced: true}}}
	rec = do(t, asSocketPeer(h), "GET", "/api/v1/bgp", "")
	var got status.BGP
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
	}
	if got.LocalAS != 65001 || len(got.Neighbors) != 1 || got.Neighbors[0].State != "ESTABLISHED" || !got.Announcements[0].Announced {
		t.Errorf("got %+v", got)
	}
}
