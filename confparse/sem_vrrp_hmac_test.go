package confparse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// forgetHMACKeys drops auth_hmac before a round-trip comparison: the
// printer masks keys by design, so a printed block does not load back
// (TestAuthHMACPrint checks what it prints instead).
func forgetHMACKeys(cs ...*Config) {
	for _, c := range cs {
		for i := range c.Instances {
			c.Instances[i].AuthHMAC = nil
		}
	}
}

const hmacHex = "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

func hmacInst(body string) string {
	return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n auth_hmac {\n" + body +
		"\n }\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n"
}

// auth_hmac's keywords with keepalived 2.4.3's ranges, defaults and
// corrections, each message at its line.
func TestAuthHMACKeywords(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "k")
	if err := os.WriteFile(keyFile, []byte("an ASCII key of at least thirty-two bytes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	loose := filepath.Join(t.TempDir(), "loose")
	if err := os.WriteFile(loose, []byte(hmacHex), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		conf string
		ok   func(*vrrp.Instance) bool
		msg  string // "" : no diagnostic
		line int
		code int
	}{
		{"defaults", hmacInst("key 1 " + hmacHex + "\nactive_key 1"), func(in *vrrp.Instance) bool {
			h := in.AuthHMAC
			return h != nil && h.Mode == vrrp.HMACEnforce && !h.Monotonic && h.Window == 0 &&
				h.EffectiveWindow(in.AdvertInt) == 5*time.Second && len(h.Key(1).Secret) == 32
		}, "", 0, 0},
		{"every keyword", hmacInst("key 1 " + hmacHex + "\nkey 2 \"an ASCII key of at least thirty-two bytes\"\nactive_key 2\nanti_replay monotonic\ntime_window 30\nmode receive-only"),
			func(in *vrrp.Instance) bool {
				h := in.AuthHMAC
				return h.ActiveKey == 2 && h.Monotonic && h.Window == 30*time.Second && h.Mode == vrrp.HMACReceiveOnly &&
					string(h.Key(2).Secret) == "an ASCII key of at least thirty-two bytes"
			}, "", 0, 0},
		{"key file", hmacInst("key 3 file:" + keyFile + "\nactive_key 3\nmode permissive"), func(in *vrrp.Instance) bool {
			k := in.AuthHMAC.Key(3)
			return k != nil && len(k.Secret) == 41 && k.Source == "file:"+keyFile && in.AuthHMAC.Mode == vrrp.HMACPermissive
		}, "", 0, 0},
		{"key file readable by others", hmacInst("key 1 file:" + loose + "\nactive_key 1"), func(in *vrrp.Instance) bool {
			return in.AuthHMAC != nil
		}, "is readable by group or others", 5, 6},
		{"key file missing", hmacInst("key 1 file:/nonexistent/k\nactive_key 1"), nil, "auth_hmac key file '/nonexistent/k' cannot be opened", 5, 5},
		{"short key", hmacInst("key 1 short\nactive_key 1"), nil, "auth_hmac key 1 length 5 not in range [32, 64]", 5, 5},
		{"bad hex", hmacInst("key 1 hex:zz\nactive_key 1"), nil, "auth_hmac key 1: invalid hex digits", 5, 5},
		{"duplicate id", hmacInst("key 1 " + hmacHex + "\nkey 1 " + hmacHex + "\nactive_key 1"), nil, "duplicate auth_hmac key id 1", 6, 5},
		{"key id range", hmacInst("key 0 " + hmacHex), nil, "outside range [1, 255]", 5, 5},
		{"window range", hmacInst("key 1 " + hmacHex + "\nactive_key 1\ntime_window 301"), nil, "outside range [1, 300]", 7, 5},
		{"bad mode", hmacInst("key 1 " + hmacHex + "\nactive_key 1\nmode strict"), nil, "must be enforce, permissive or receive-only", 7, 5},
		{"bad anti_replay", hmacInst("key 1 " + hmacHex + "\nactive_key 1\nanti_replay never"), nil, "must be time or monotonic", 7, 5},
		{"undefined active key disables", hmacInst("key 1 " + hmacHex + "\nactive_key 2"), func(in *vrrp.Instance) bool {
			return in.AuthHMAC == nil
		}, "active_key 2 is not defined, disabling extension: adverts are NOT authenticated", 1, 5},
		{"legacy auth dropped", strings.Replace(hmacInst("key 1 "+hmacHex+"\nactive_key 1"), " interface eth0\n",
			" interface eth0\n authentication {\n  auth_type PASS\n  auth_pass x\n }\n", 1), func(in *vrrp.Instance) bool {
			return in.Auth.Type == vrrp.AuthNone && in.AuthHMAC != nil
		}, "auth_hmac cannot be combined with authentication, dropping legacy auth", 1, 5},
		{"strict enforces", "global_defs {\n vrrp_strict\n}\n" + hmacInst("key 1 "+hmacHex+"\nactive_key 1\nmode permissive"), func(in *vrrp.Instance) bool {
			return in.AuthHMAC.Mode == vrrp.HMACEnforce
		}, "strict mode requires auth_hmac mode enforce", 4, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, diags := loadString(t, c.conf)
			if c.ok != nil && (len(cfg.Instances) != 1 || !c.ok(&cfg.Instances[0])) {
				t.Errorf("settings: %+v", cfg.Instances)
			}
			if got := diags.ExitCode(); got != c.code {
				t.Errorf("exit code %d, want %d\n%s", got, c.code, diags)
			}
			if c.msg == "" {
				return
			}
			for _, d := range diags {
				if strings.Contains(d.Msg, c.msg) && d.Pos.Line == c.line {
					return
				}
			}
			t.Errorf("no %q at line %d in\n%s", c.msg, c.line, diags)
		})
	}
}

// v3_checksum_as_v2 as keepalived 2.4.3 reads it: a global without
// argument, an instance <BOOL> overriding it.
func TestV3ChecksumAsV2(t *testing.T) {
	inst := func(name, extra string) string {
		return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id " + map[string]string{"A": "1", "B": "2"}[name] +
			"\n version 3\n" + extra + " virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n"
	}
	cfg, diags := loadString(t, "global_defs {\n v3_checksum_as_v2\n}\n"+inst("A", "")+inst("B", " v3_checksum_as_v2 off\n"))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	if !cfg.VRRP.V3ChecksumAsV2 || !cfg.Instances[0].V3ChecksumAsV2 || cfg.Instances[1].V3ChecksumAsV2 {
		t.Errorf("global %v, A %v, B %v", cfg.VRRP.V3ChecksumAsV2, cfg.Instances[0].V3ChecksumAsV2, cfg.Instances[1].V3ChecksumAsV2)
	}
	if f := vrrp.SendChecksumForm(&cfg.Instances[0]); f != vrrp.ChecksumPlain {
		t.Errorf("A sends %s", f)
	}
	var buf bytes.Buffer
	if err := Print(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"global_defs {\n    v3_checksum_as_v2\n", "    v3_checksum_as_v2 off\n"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("--dump-conf lacks %q:\n%s", want, buf.String())
		}
	}
}

// A printout read back keeps the masked keys' places (so printing is a
// fixed point) but cannot sign with them.
func TestAuthHMACMaskedReadBack(t *testing.T) {
	cfg, diags := loadString(t, hmacInst("key 1 ********\nactive_key 1"))
	if len(diags) != 1 || !strings.Contains(diags[0].Msg, "auth_hmac key 1 is masked") || diags[0].Pos.Line != 5 {
		t.Errorf("diagnostics: %s", diags)
	}
	h := cfg.Instances[0].AuthHMAC
	if h == nil || h.Key(1) == nil || len(h.Key(1).Secret) != 0 {
		t.Fatalf("read back as %+v", h)
	}
	if _, err := vrrp.NewHMACSigner(h, time.Second); err == nil {
		t.Error("a masked active key signs")
	}
}

// --dump-conf shows where a key came from, never the key.
func TestAuthHMACPrint(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "k")
	if err := os.WriteFile(keyFile, []byte(hmacHex), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, diags := loadString(t, hmacInst("key 1 \"an ASCII key of at least thirty-two bytes\"\nkey 2 file:"+keyFile+
		"\nkey 3 "+hmacHex+"\nactive_key 2\nmode permissive\nanti_replay monotonic"))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	var buf bytes.Buffer
	if err := Print(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	want := "    auth_hmac {\n        key 1 ********\n        key 2 file:" + keyFile + "\n        key 3 ********\n" +
		"        active_key 2\n        anti_replay monotonic\n        mode permissive\n    }\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("printed:\n%s\nwant the block:\n%s", buf.String(), want)
	}
	for _, secret := range []string{"thirty-two", "0001020304"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("key material printed: %s", buf.String())
		}
	}
}
