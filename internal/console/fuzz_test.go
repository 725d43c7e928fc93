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
		for _, m := range secretLine.FindAllStringSubmatch(red, -1) {
			if !strings.HasPrefix(m[2], placeholder) {
				t.Fatalf("key %q left in %q", m[2], red)
			}
		}
	})
}
