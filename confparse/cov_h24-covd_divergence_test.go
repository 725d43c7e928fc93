package confparse

import "testing"

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
