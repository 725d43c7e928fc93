package confparse

import (
	"strings"
	"testing"
)

// Post-2.2.7 keywords: owner_ignore_adverts is read with keepalived
// 2.4.3's meaning; the others are refused at their line, naming the
// release that introduced them.
func TestNewerKeywords(t *testing.T) {
	inst := func(prio, extra string) string {
		return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority " + prio + "\n" + extra +
			" virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n"
	}
	cfg, diags := loadString(t, "global_defs {\n vrrp_owner_ignore_adverts\n}\n"+inst("255", ""))
	if len(diags) != 0 || !cfg.VRRP.OwnerIgnoreAdverts || !cfg.Instances[0].OwnerIgnoreAdverts {
		t.Errorf("global owner_ignore_adverts: %+v %s", cfg.Instances, diags)
	}
	cfg, diags = loadString(t, inst("100", " owner_ignore_adverts\n"))
	if cfg.Instances[0].OwnerIgnoreAdverts || len(diags) != 1 ||
		!strings.Contains(diags[0].Msg, "ignoring owner_ignore_adverts since priority is not 255") {
		t.Errorf("owner_ignore_adverts below 255: %+v %s", cfg.Instances, diags)
	}
	_, diags = loadString(t, "global_defs {\n vrrp_delay_after_boot 10\n json_version 2\n}\n"+inst("100", " timer_expired_backup\n"))
	for line, want := range map[int]string{2: "'vrrp_delay_after_boot' is keepalived 2.4.0", 3: "'json_version' is keepalived 2.2.8",
		9: "'timer_expired_backup' is keepalived 2.2.8"} {
		found := false
		for _, d := range diags {
			found = found || (d.Pos.Line == line && strings.Contains(d.Msg, want) && d.Severity == Warning)
		}
		if !found {
			t.Errorf("no %q at line %d:\n%s", want, line, diags)
		}
	}
}
