package confparse

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// VRRP-side readers and checks with no direct rows elsewhere: use_vmac's
// MAC word, the IPv6 multicast group in the duplicate-VRID check,
// auth_hmac's key files and repeated blocks, and the default script user
// under enable_script_security.

func TestIsMACWords(t *testing.T) {
	for in, want := range map[string]bool{
		"02:00:5e:00:01:33":  true,
		"AA:BB:CC:DD:EE:FF":  true,
		"aA:0f:F0:9a:00:01":  true,
		"02:00:5e:00:01:3":   false, // 16 characters
		"02:00:5e:00:01:333": false,
		"02-00-5e-00-01-33":  false, // keepalived's ':' only
		"02:00:5e:00:01:3g":  false,
		"0200:5e:00:01:33:":  false, // separators out of place
		"vrrp.51.eth0.abcd":  false,
		"":                   false,
	} {
		if got := isMAC(in); got != want {
			t.Errorf("isMAC(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestDuplicateVRIDIPv6Group: IPv6 instances on one interface with one
// VRID clash when they send to the same group, the instance's own
// mcast_dst_ip or else global_defs' vrrp_mcast_group6.
func TestDuplicateVRIDIPv6Group(t *testing.T) {
	two := func(g, a, b string) string {
		return g + inst6(a) + strings.Replace(inst6(b), "VI_1", "VI_2", 1)
	}
	g6 := gdefs("vrrp_mcast_group6 ff02::1:2")
	const off = 3 // lines gdefs adds
	clash := "VI_1 and VI_2 both use VRID 51 with IPv6 on interface eth0"
	runSemRows(t, []semRow{
		{"default group", two("", "", ""), nil, []want{warnAt(9, clash)}},
		{"own group differs", two("", "", "mcast_dst_ip ff02::19"), nil, nil},
		{"global group", two(g6, "", ""), func(c *Config) bool {
			return c.VRRP.McastGroup6 == netipMust("ff02::1:2")
		}, []want{warnAt(9+off, clash)}},
		{"own group equals the global one", two(g6, "", "mcast_dst_ip ff02::1:2"), nil, []want{warnAt(9+off, clash)}},
		{"own group differs from the global one", two(g6, "mcast_dst_ip ff02::12", ""), nil, nil},
	})
}

func TestAuthHMACKeyFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("k", keyFileMax)), 0o600); err != nil {
		t.Fatal(err)
	}
	crlf := filepath.Join(dir, "crlf")
	key := strings.Repeat("s", 32)
	if err := os.WriteFile(crlf, []byte(key+"\r\n\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const keyLine = 5 // hmacInst's first body line
	noKeys := in0(func(i vrrp.Instance) bool { return i.AuthHMAC == nil })
	off := warnAt(1, "(VI_1) auth_hmac active_key 0 is not defined, disabling extension: adverts are NOT authenticated")
	runSemRows(t, []semRow{
		{"missing file", hmacInst("key 1 file:" + dir + "/absent"), noKeys,
			[]want{warnAt(keyLine, "(VI_1) auth_hmac key file '"+dir+"/absent' cannot be opened"), off}},
		{"file as large as the limit", hmacInst("key 1 file:" + big), noKeys,
			[]want{warnAt(keyLine, "(VI_1) auth_hmac key file '"+big+"' is too large"), off}},
		{"line endings dropped", hmacInst("key 1 file:" + crlf + "\nactive_key 1"), in0(func(i vrrp.Instance) bool {
			return i.AuthHMAC != nil && len(i.AuthHMAC.Keys) == 1 && string(i.AuthHMAC.Keys[0].Secret) == key
		}), nil},
	})
}

func TestAuthHMACRepeatedBlock(t *testing.T) {
	src := strings.Replace(hmacInst("key 1 "+hmacHex+"\nactive_key 1"), " virtual_ipaddress", " auth_hmac {\n  mode permissive\n }\n virtual_ipaddress", 1)
	runSemRows(t, []semRow{
		{"second block merges", src, in0(func(i vrrp.Instance) bool {
			h := i.AuthHMAC
			return h != nil && len(h.Keys) == 1 && h.Mode == vrrp.HMACPermissive
		}), []want{warnAt(8, "(VI_1) auth_hmac block repeated - its settings are merged")}},
	})
}

// TestDefaultScriptUserNeeded: under enable_script_security with no
// keepalived_script user and no script_user, keepalived complains once
// only when some script has no user of its own.
func TestDefaultScriptUserNeeded(t *testing.T) {
	old := userExists
	userExists = func(string) bool { return false }
	defer func() { userExists = old }()
	sec := gdefs("enable_script_security")
	unable := "Unable to set default user keepalived_script for script"
	tracked := inst("track_script {\ns\n}")
	for _, r := range []semRow{
		{"tracked script without user", sec + scriptDef("s") + tracked, nil,
			[]want{warnAt(5, unable), warnAt(5, "Unable to set default user for vrrp script s - removing")}},
		{"every script names root", sec + scriptDef("s", "user root") + tracked, nil,
			[]want{warnAt(5, "Disabling track script s since not found/accessible")}},
		{"notify script without user", sec + inst("notify_master /nonexistent/m"), nil,
			[]want{warnAt(3+instBody, unable), warnAt(3+instBody, "Failed to set default user for notify script /nonexistent/m - ignoring")}},
	} {
		t.Run(r.name, func(t *testing.T) {
			_, d := loadString(t, r.src) // the host's script checks, as -t runs them
			matchDiags(t, d, r.diags)
		})
	}
}

func netipMust(s string) netip.Addr { return netip.MustParseAddr(s) }

// TestUseVMACWords: use_vmac's words are an interface name and a MAC in
// any order; keepalived 2.2.7 -t warns about a second name and keeps the
// first.
func TestUseVMACWords(t *testing.T) {
	vm := func(name, mac string) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return i.VMAC != nil && i.VMAC.Name == name && i.VMAC.MAC == mac })
	}
	runSemRows(t, []semRow{
		{"name and MAC", inst("use_vmac vrrp.51 02:00:5e:00:01:33"), vm("vrrp.51", "02:00:5e:00:01:33"), nil},
		{"MAC first", inst("use_vmac 02:00:5e:00:01:33 vrrp.51"), vm("vrrp.51", "02:00:5e:00:01:33"), nil},
		{"second name", inst("use_vmac vrrpa vrrpb"), vm("vrrpa", ""),
			[]want{warnAt(instBody, "VMAC interface name already specified")}},
	})
}

// TestStrictResetsPreemptDelay: vrrp_strict clears preempt_delay, with
// keepalived 2.2.7 -t's message at the instance.
func TestStrictResetsPreemptDelay(t *testing.T) {
	runSemRows(t, []semRow{
		{"strict", gdefs("vrrp_strict") + inst("preempt_delay 5"), in0(func(i vrrp.Instance) bool { return i.Options().PreemptDelay == 0 }),
			[]want{warnAt(4, "(VI_1) preempt_delay is incompatible with strict mode - resetting")}},
		{"not strict", inst("preempt_delay 5"), in0(func(i vrrp.Instance) bool { return i.Options().PreemptDelay == 5*time.Second }), nil},
	})
}

// TestFamilyFromSourceAddress: an instance with no virtual address takes
// its family from unicast_src_ip or mcast_src_ip; keepalived 2.2.7 -t
// says a VIP is required for IPv6 and sensible for IPv4.
func TestFamilyFromSourceAddress(t *testing.T) {
	head := "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
	fam := func(f vrrp.Family) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return i.Family == f })
	}
	noVIP := warnAt(1, "(VI_1) No VIP specified; at least one is required")
	runSemRows(t, []semRow{
		{"unicast_src_ip", head + " unicast_src_ip 2001:db8::5\n unicast_peer {\n  2001:db8::6\n }\n}\n", fam(vrrp.IPv6), []want{noVIP}},
		{"mcast_src_ip", head + " mcast_src_ip 2001:db8::5\n}\n", fam(vrrp.IPv6), []want{noVIP}},
		{"IPv4 source", head + " mcast_src_ip 192.0.2.5\n}\n", fam(vrrp.IPv4), []want{warnAt(1, "(VI_1) No VIP specified; at least one is sensible")}},
	})
}
