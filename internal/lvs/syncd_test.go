package lvs

import (
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/ipvs"
)

// TestSyncdFollowsItsInstance: the sync daemon starts as backup, follows
// only its own instance's MASTER and non-MASTER states, and stops at Stop.
func TestSyncdFollowsItsInstance(t *testing.T) {
	m := ipvs.NewMemorySync()
	cfg, err := ipvs.SyncConfigFor(&ipvs.SyncDaemon{Interface: "eth0", Instance: "VI_1", ID: -1}, 51)
	if err != nil {
		t.Fatal(err)
	}
	s := startSyncd(m, cfg, "VI_1", quiet)
	s.Follow("VI_2", true) // not the driving instance
	s.Follow("VI_1", true)
	s.Follow("VI_1", false)
	s.Stop()
	if got, want := strings.Join(m.Log, ", "), "start backup, stop backup, start master, stop master, start backup, stop backup"; got != want {
		t.Errorf("sync daemon commands: %s\nwant: %s", got, want)
	}
	var none *Syncd // no lvs_sync_daemon configured
	none.Follow("VI_1", true)
	none.Stop()
}

// TestStartSyncdNeedsItsInstance: an lvs_sync_daemon naming an instance
// that does not exist runs nothing.
func TestStartSyncdNeedsItsInstance(t *testing.T) {
	g := ipvs.Globals{SyncDaemon: &ipvs.SyncDaemon{Interface: "eth0", Instance: "VI_9", ID: -1}}
	if s := StartSyncd(g, map[string]uint8{"VI_1": 1}, quiet); s != nil {
		s.Stop()
		t.Error("a sync daemon started for a missing instance")
	}
	if s := StartSyncd(ipvs.Globals{}, nil, quiet); s != nil {
		t.Error("a sync daemon started without lvs_sync_daemon")
	}
}
