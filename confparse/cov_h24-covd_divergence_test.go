package confparse

import (
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Rows for two readings that once differed from keepalived 2.2.7 -t.

// TestSMTPServerBadPort: a port outside [1, 65535] leaves keepalived
// with no SMTP server at all, not the server on port 25.
func TestSMTPServerBadPort(t *testing.T) {
	none := func(c *Config) bool { return c.Global.SMTPServer == "" && c.Global.SMTPPort == 0 }
	runSemRows(t, []semRow{
		{"port 0 drops an earlier server", gdefs("smtp_server 192.0.2.24 2525", "smtp_server 192.0.2.25 0"), none,
			[]want{warnAt(3, "number '0' outside range [1, 65535]"), warnAt(3, "Invalid smtp server 192.0.2.25 0")}},
		{"port not a number", gdefs("smtp_server 192.0.2.25 smtp"), none,
			[]want{warnAt(2, "invalid number 'smtp'"), warnAt(2, "Invalid smtp server 192.0.2.25 smtp")}},
	})
}

// TestUseVMACBadName: keepalived's dev_name_valid refuses a VMAC name the
// kernel would not take; the VMAC stays, with its default name.
func TestUseVMACBadName(t *testing.T) {
	unnamed := in0(func(i vrrp.Instance) bool { return i.VMAC != nil && i.VMAC.Name == "" })
	bad := func(name string) []want {
		return []want{warnAt(instBody, "VMAC interface name '"+name+"' too long or invalid characters - ignoring")}
	}
	runSemRows(t, []semRow{
		{"16 characters", inst("use_vmac vrrp.abcdefghijk"), unnamed, bad("vrrp.abcdefghijk")},
		{"slash", inst("use_vmac a/b"), unnamed, bad("a/b")},
		{"dot-dot", inst("use_vmac .."), unnamed, bad("..")},
		{"15 characters kept", inst("use_vmac " + strings.Repeat("v", 15)),
			in0(func(i vrrp.Instance) bool { return i.VMAC != nil && i.VMAC.Name == strings.Repeat("v", 15) }), nil},
		{"bad name then good", inst("use_vmac a/b vrrp.51"),
			in0(func(i vrrp.Instance) bool { return i.VMAC != nil && i.VMAC.Name == "vrrp.51" }), bad("a/b")},
	})
}
