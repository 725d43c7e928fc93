package control_test

import (
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/status"
)

// TestAPIListsNeverNull: a daemon whose snapshot leaves lists unset (no
// sync groups, peers or virtual servers; an instance without trackers or
// VIPs) still answers [] and {}, never null, on every read.
func TestAPIListsNeverNull(t *testing.T) {
	s, f, _ := newServer(t, nil)
	f.D = status.Daemon{Version: "test", Instances: []status.Instance{{Name: "VI_1", State: "BACKUP"}},
		Reloads: []status.Reload{{Result: "applied"}}}
	h := s.TCPHandler()
	for _, p := range []string{"status", "instances", "instances/VI_1", "sync-groups", "peers", "virtual-servers", "checkers", "reloads"} {
		rec := do(t, h, "GET", "/api/v1/"+p, "")
		if rec.Code != 200 || strings.Contains(rec.Body.String(), "null") {
			t.Errorf("GET /api/v1/%s: %d\n%s", p, rec.Code, rec.Body)
		}
	}
}
