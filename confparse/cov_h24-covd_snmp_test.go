package confparse

import "testing"

// snmp_socket and the enable_snmp_* switches read as keepalived 2.2.7 -t
// reads them (global_parser.c); snmp_test.go has their round trip through
// the dump.
func TestSNMPGlobalRows(t *testing.T) {
	snmp := func(want SNMPDefs) func(*Config) bool {
		return func(c *Config) bool { return c.Global.SNMP == want }
	}
	const tcp, udp = "tcp:192.0.2.1:705", "udp:192.0.2.1:705"
	runSemRows(t, []semRow{
		{"first socket stays", gdefs("snmp_socket "+tcp, "snmp_socket "+udp), snmp(SNMPDefs{Socket: tcp}),
			[]want{warnAt(3, "SNMP socket already set to "+tcp+" - ignoring")}},
		{"too many words", gdefs("snmp_socket " + udp + " extra"), snmp(SNMPDefs{}),
			[]want{warnAt(2, "Too many parameters specified for snmp_socket - ignoring")}},
		{"missing name leaves room for a later one", gdefs("snmp_socket", "snmp_socket "+tcp), snmp(SNMPDefs{Socket: tcp}),
			[]want{warnAt(2, "SNMP error : snmp socket name missing")}},
		{"traps alone serve no tree", gdefs("enable_traps"), func(c *Config) bool {
			return c.Global.SNMP == SNMPDefs{Traps: true} && !c.Global.SNMP.Enabled()
		}, nil},
		{"rfcv2 alone", gdefs("enable_snmp_rfcv2"), func(c *Config) bool {
			return c.Global.SNMP == SNMPDefs{RFCv2: true} && c.Global.SNMP.Enabled()
		}, nil},
		{"deprecated alias and the new name", gdefs("enable_snmp_keepalived", "enable_snmp_vrrp"), snmp(SNMPDefs{VRRP: true}),
			[]want{infoAt(2, "'enable_snmp_keepalived' is deprecated - please use 'enable_snmp_vrrp'")}},
	})
}
