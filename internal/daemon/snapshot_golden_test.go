package daemon

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/status"
)

// TestSnapshotGolden pins the API's answer as the real executor fills it
// (the control package's goldens pin the schema over a fake): trackers
// with their contributions, the master's address and priority, peers,
// last transition and why, a sync group, transitions, drops, and a
// reload with what it changed. The fake clock makes every time fixed.
func TestSnapshotGolden(t *testing.T) {
	conf := tracked + instanceText("VI_2", "eth0", 2, 100, "192.0.2.200/24") + instanceText("VI_3", "eth0", 3, 100, "192.0.2.201/24") +
		"vrrp_sync_group G1 {\n    group {\n        VI_2\n        VI_3\n    }\n}\n"
	h := newHarness(t, conf, "eth0=192.0.2.1")
	for _, s := range []string{
		"track script chk_web up",
		"track script chk_db up",
		"advance 4s",
		"track script chk_web down",
		"advert eth0 from 192.0.2.2 vrid 1 prio 100",
		"advert eth0 from 192.0.2.2 vrid 1 prio 100 ttl 64",
		"advance 500ms",
	} {
		h.run(s)
	}
	h.reload(strings.Replace(conf, "virtual_router_id 2\n    priority 100", "virtual_router_id 2\n    priority 110", 1))
	h.run("advance 1s")
	// As the API sends it (control's writeJSON): lists never null.
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	snap := h.d.snapshot()
	if err := enc.Encode(status.EmptyNotNull(snap)); err != nil {
		t.Fatal(err)
	}
	started, _ := json.Marshal(snap.Started) // the wall clock at start, not the fake one
	got := strings.NewReplacer(`"pid": `+strconv.Itoa(os.Getpid()), `"pid": PID`, h.conf, "FILE",
		`"started": `+string(started), `"started": START`).Replace(b.String())
	got = regexp.MustCompile(`"[0-9a-f]{64}"`).ReplaceAllString(got, `"HASH"`)
	golden := filepath.Join("testdata", "snapshot.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("the snapshot differs from %s (run with -update to accept):\n%s", golden, got)
	}
}
