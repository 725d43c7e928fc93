package confparse

import (
	"path/filepath"
	"slices"
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
	return len(cfg.Instances[0].Options().Routes), msgs
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

// #15 item 8: `default` (also with `via X table 1`) is installed as
// 0.0.0.0/0 or ::/0, as keepalived does, not dropped; the --dump-conf
// golden shows the routes kept.
func TestRouteDefaultDestination(t *testing.T) {
	path := filepath.Join("testdata", "routes", "default.conf")
	cfg, diags := Load(path, Options{})
	for _, d := range diags {
		if strings.Contains(d.Msg, "invalid IP") || strings.Contains(d.Msg, "no destination") {
			t.Errorf("default refused: %s", d)
		}
	}
	var dsts []string
	for _, r := range cfg.StaticRoutes {
		dsts = append(dsts, r.Dst.String())
	}
	for _, r := range cfg.Instances[0].Options().Routes {
		dsts = append(dsts, r.Dst.String())
	}
	if want := []string{"0.0.0.0/0", "::/0", "0.0.0.0/0", "0.0.0.0/0"}; !slices.Equal(dsts, want) {
		t.Errorf("destinations %v, want %v", dsts, want)
	}
	checkDump(t, cfg, strings.TrimSuffix(path, ".conf")+".dump")
}

// keepalived names a route written `default` by that word, and one
// written 0.0.0.0/0 by its prefix, in the tracking warning.
func TestRouteDefaultTrackingMessage(t *testing.T) {
	for entry, want := range map[string]string{
		"default via 192.0.2.1 table 1":   "cannot track route default with",
		"0.0.0.0/0 via 192.0.2.1 table 1": "cannot track route 0.0.0.0/0 with",
	} {
		n, msgs := routeDiags(t, entry)
		if n != 1 || len(msgs) != 1 || !strings.Contains(msgs[0], want) {
			t.Errorf("%q: %d routes, messages %q, want one route and %q", entry, n, msgs, want)
		}
	}
}
