package status

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestEmptyNotNull: nil lists and maps at every depth answer [] and {};
// what was set is kept; the argument is not changed.
func TestEmptyNotNull(t *testing.T) {
	d := Daemon{Version: "v", Started: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Instances:      []Instance{{Name: "VI_1", Stats: InstanceStats{Drops: map[string]uint64{"ttl": 1}}}},
		VirtualServers: []VirtualServer{{Key: "TCP 192.0.2.1:80", Reals: []RealServer{{Key: "192.0.2.2:80"}}}}}
	before, _ := json.Marshal(d)
	got := EmptyNotNull(d).(Daemon)
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Errorf("nulls remain:\n%s", b)
	}
	for _, want := range []string{`"sync_groups":[]`, `"trackers":[]`, `"drops":{"ttl":1}`, `"checkers":[]`, `"ops":{}`, `"started":"2026-01-01T00:00:00Z"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("lacks %s:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), `"bgp"`) || strings.Contains(string(b), `"bfd_sessions"`) {
		t.Errorf("omitempty fields appeared:\n%s", b)
	}
	after, _ := json.Marshal(d)
	if string(before) != string(after) || d.SyncGroups != nil || d.Instances[0].Trackers != nil {
		t.Error("EmptyNotNull changed its argument")
	}
	if !reflect.DeepEqual(EmptyNotNull(got), got) {
		t.Error("a filled value is not its own fill")
	}
	if EmptyNotNull(nil) != nil {
		t.Error("nil is not nil")
	}
}
