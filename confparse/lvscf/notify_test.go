package lvscf

import (
	"bytes"
	"strings"
	"testing"
)

// In lvs mode active_cmd and inactive_cmd become double-quoted notify_*
// strings (mapping.md §3.4), a single word as much as several.
func TestLVSNotifyQuoted(t *testing.T) {
	cases := []struct{ active, inactive, master, backup string }{
		{"/usr/local/bin/on", "/usr/local/bin/off", `notify_master "/usr/local/bin/on"`, `notify_backup "/usr/local/bin/off"`},
		{`"/usr/local/bin/on  a b"`, `"/usr/local/bin/off x"`, `notify_master "/usr/local/bin/on a b"`, `notify_backup "/usr/local/bin/off x"`},
	}
	for _, tc := range cases {
		cf := "service = lvs\nprimary = 192.0.2.1\nbackup = 192.0.2.2\nbackup_active = 1\n" +
			"active_cmd = " + tc.active + "\ninactive_cmd = " + tc.inactive + "\n" +
			"virtual web {\n  active = 1\n  address = 192.0.2.10 eth0:1\n  port = 80\n" +
			"  server a {\n    address = 192.0.2.20\n    active = 1\n  }\n}\n"
		res, diags := Import([]byte(cf), Options{}, ConvertOptions{Node: "primary"})
		if res == nil {
			t.Fatalf("%s: import failed: %v", tc.active, diags)
		}
		var b bytes.Buffer
		if err := Render(&b, res); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{tc.master, tc.backup, strings.Replace(tc.backup, "notify_backup", "notify_fault", 1),
			strings.Replace(tc.backup, "notify_backup", "notify_stop", 1)} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %s:\n%s", tc.active, want, out)
			}
		}
	}
}
