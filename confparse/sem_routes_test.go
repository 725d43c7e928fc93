package confparse

import (
	"strings"
	"testing"
)

// routeDiags loads one virtual_routes entry and returns the instance's
// routes and the messages about the entry's line.
func routeDiags(t *testing.T, entry string) (int, []string) {
	t.Helper()
	cfg, diags := loadText(t, inst("virtual_routes {\n"+entry+"\n}"))
	var msgs []string
	for _, d := range diags {
		if d.Pos.Line == 8 {
			msgs = append(msgs, d.Msg)
		}
	}
	return len(cfg.Instances[0].Routes), msgs
}

// `via inet` at the end of the line once gave two warnings (the missing
// value, then an "invalid IP" for the empty string that followed).
func TestRouteViaFamilyWithoutAddress(t *testing.T) {
	for _, entry := range []string{"192.0.2.0/24 via inet", "2001:db8::/64 via inet6"} {
		n, msgs := routeDiags(t, entry)
		if n != 0 {
			t.Errorf("%q: %d routes kept, want the entry dropped", entry, n)
		}
		if len(msgs) != 1 || !strings.Contains(msgs[0], "route option via needs a value") {
			t.Errorf("%q: messages %q, want exactly one naming the missing via value", entry, msgs)
		}
	}
}
