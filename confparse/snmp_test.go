package confparse

import (
	"strings"
	"testing"
)

// The SNMP keywords set what the sub-agent serves, as keepalived's do,
// and survive the canonical dump.
func TestSNMPKeywords(t *testing.T) {
	cases := []struct {
		name, body string
		want       SNMPDefs
		warn       string
	}{
		{"none", "router_id lb1", SNMPDefs{}, ""},
		{"vrrp and traps", "enable_snmp_vrrp\n enable_traps\n snmp_socket unix:/run/agentx.sock",
			SNMPDefs{VRRP: true, Traps: true, Socket: "unix:/run/agentx.sock"}, ""},
		{"rfc is both", "enable_snmp_rfc", SNMPDefs{RFCv2: true, RFCv3: true}, ""},
		{"each alone", "enable_snmp_checker\n enable_snmp_rfcv3", SNMPDefs{Checker: true, RFCv3: true}, ""},
		{"deprecated alias", "enable_snmp_keepalived", SNMPDefs{VRRP: true}, "deprecated - please use 'enable_snmp_vrrp'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, d := loadString(t, "global_defs {\n "+c.body+"\n}\n")
			if cfg.Global.SNMP != c.want {
				t.Errorf("SNMP = %+v, want %+v", cfg.Global.SNMP, c.want)
			}
			if got := d.String(); (c.warn == "") != (got == "") || !strings.Contains(got, c.warn) {
				t.Errorf("diagnostics %q, want %q", got, c.warn)
			}
			var b strings.Builder
			if err := Print(&b, cfg); err != nil {
				t.Fatal(err)
			}
			again, _ := loadString(t, b.String())
			if again.Global.SNMP != c.want {
				t.Errorf("after the dump: %+v, want %+v\n%s", again.Global.SNMP, c.want, b.String())
			}
		})
	}
}
