package console

import (
	"strings"
	"testing"
)

// FuzzRedact: whatever a configuration file holds, the page's redacted
// text carries no authentication key and saves back to the original.
func FuzzRedact(f *testing.F) {
	f.Add("vrrp_instance A {\n authentication {\n  auth_pass s3cr3t\n }\n}\n")
	f.Add("auth_pass a\n  auth_hmac_key b c\nauth_pass __SECRET_1__\n")
	f.Fuzz(func(t *testing.T, orig string) {
		red := redact(orig)
		back, err := unredact(red, orig)
		if err != nil || back != orig {
			t.Fatalf("round trip of %q: %q, %v", orig, back, err)
		}
		for _, m := range secretLine.get().FindAllStringSubmatch(red, -1) {
			if !strings.HasPrefix(m[2], placeholder) {
				t.Fatalf("key %q left in %q", m[2], red)
			}
		}
	})
}

// FuzzObjectEdit: a form's line number and whatever the file holds never
// panic the block editors, and a change they make adds the value and
// keeps every line count but the one it replaced.
func FuzzObjectEdit(f *testing.F) {
	f.Add("vrrp_instance A {\n    virtual_ipaddress {\n        192.0.2.1/24\n    }\n}\n", 1)
	f.Add("real_server a 80\n{\n    weight 3 # x\n    TCP_CHECK { }\n}\n", 1)
	f.Add("vs {\n  { } } {\n", 2)
	f.Fuzz(func(t *testing.T, text string, line int) {
		n := strings.Count(text, "\n")
		if out, err := setInBlock(text, line, "weight", "7"); err == nil {
			if !strings.Contains(out, "weight 7") || strings.Count(out, "\n") < n {
				t.Fatalf("setInBlock(%q, %d) = %q", text, line, out)
			}
		}
		if out, err := addToSubBlock(text, line, vipKey, "192.0.2.9/24"); err == nil {
			if !strings.Contains(out, "192.0.2.9/24") || strings.Count(out, "\n") <= n {
				t.Fatalf("addToSubBlock(%q, %d) = %q", text, line, out)
			}
		}
	})
}
