package confparse

import (
	"bytes"
	"strings"
	"testing"
)

// notify_deleted prints as written: bare (keepalived then sends the
// deleted state to the generic notify) or with its own script.
func TestPrintNotifyDeleted(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"notify_deleted", "    notify_deleted\n"},
		{"notify_deleted /bin/true", "    notify_deleted \"/bin/true\"\n"},
	} {
		src := "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n " + c.line +
			"\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n"
		cfg, diags := loadString(t, src)
		// The script line also brings keepalived's security-violation
		// notice (script security off); the instance must still be read.
		if cfg == nil || len(cfg.Instances) != 1 {
			t.Fatalf("%s: %v", c.line, diags)
		}
		var out bytes.Buffer
		if err := Print(&out, cfg); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("%s printed:\n%s", c.line, out.String())
		}
	}
}
