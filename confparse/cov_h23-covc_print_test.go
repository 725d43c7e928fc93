package confparse

import (
	"bytes"
	"strings"
	"testing"
)

// Printed words that have two spellings: a boolean global_defs switch is
// written on or off as set (unset writes nothing), and a MISC_CHECK user
// line carries its group only when one was given. Each printed file must
// read back to the same text.
func TestPrintOnOffAndUserGroup(t *testing.T) {
	for _, r := range []struct {
		name, src string
		lines     []string // printed, in order
		absent    string
	}{
		{"smtp_alert off and on", gdefs("smtp_alert off", "smtp_alert_checker on"),
			[]string{"smtp_alert off", "smtp_alert_checker on"}, "smtp_alert_vrrp"},
		{"misc user alone", slCk("MISC_CHECK", "misc_path \"/bin/true x\"\nuser nobody"),
			[]string{`misc_path "/bin/true x"`, "user nobody\n"}, "user nobody "},
		{"misc user and group", slCk("MISC_CHECK", "misc_path /bin/true\nuser nobody nogroup"),
			[]string{`misc_path "/bin/true"`, "user nobody nogroup\n"}, ""},
	} {
		t.Run(r.name, func(t *testing.T) {
			c, ds := loadSem(t, r.src)
			matchDiags(t, ds, nil)
			var b bytes.Buffer
			if err := Print(&b, c); err != nil {
				t.Fatal(err)
			}
			out, at := b.String(), 0
			for _, l := range r.lines {
				i := strings.Index(out[at:], l)
				if i < 0 {
					t.Fatalf("%q not printed after offset %d:\n%s", l, at, out)
				}
				at += i + len(l)
			}
			if r.absent != "" && strings.Contains(out, r.absent) {
				t.Errorf("%q printed:\n%s", r.absent, out)
			}
			c2, ds2 := loadSem(t, out)
			matchDiags(t, ds2, nil)
			var b2 bytes.Buffer
			if err := Print(&b2, c2); err != nil || b2.String() != out {
				t.Errorf("printed file does not read back the same (%v):\n%s\n---\n%s", err, out, b2.String())
			}
		})
	}
}
