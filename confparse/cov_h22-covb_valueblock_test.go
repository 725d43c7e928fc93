package confparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

// A list keyword written with a word and nothing after it in its block:
// keepalived 2.2.7 -t says "Block track_interface has extra parameters lo
// ..." and the instance's own '}' closes the list, which stays empty.
func TestValueBlockClosedByEnclosingBrace(t *testing.T) {
	closed := func(key, word string) want {
		return warnAt(instBody, "Block "+key+" has extra parameters "+word+" ...: keepalived ignores '"+word+
			"' and reads "+key+" as an opened block, closed by the enclosing block's '}'")
	}
	runSemRows(t, []semRow{
		{"track_interface", inst("track_interface eth1"),
			in0(func(i vrrp.Instance) bool { return len(i.TrackInterfaces) == 0 }), []want{closed("track_interface", "eth1")}},
		{"unicast_peer", inst("unicast_peer 192.0.2.7"),
			in0(func(i vrrp.Instance) bool { return len(i.Options().UnicastPeers) == 0 }), []want{closed("unicast_peer", "192.0.2.7"),
				warnAt(1, "(VI_1) A unicast keyword has been specified without any unicast peers. Defaulting to multicast.")}},
		{"virtual_ipaddress_excluded", inst("virtual_ipaddress_excluded 192.0.2.9"),
			in0(func(i vrrp.Instance) bool { return len(i.Options().ExcludedVIPs) == 0 && len(i.VIPs) == 1 }),
			[]want{closed("virtual_ipaddress_excluded", "192.0.2.9")}},
	})
}

// TestHostInterfaceExists is the lookup -t uses when no test replaces
// it: the loopback is on every Linux host, a made-up name on none.
func TestHostInterfaceExists(t *testing.T) {
	if !hostInterfaceExists("lo") {
		t.Skip("no interface named lo on this host")
	}
	if hostInterfaceExists("h22-no-such-if") {
		t.Error("a made-up interface name was found")
	}
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(p, []byte(strings.Replace(inst(""), "eth0", "h22nosuchif", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, d := Load(p, Options{CheckInterfaces: true}) // no InterfaceExists: the host is asked
	for _, x := range d {
		if x.Pos.Line == 2 && strings.Contains(x.Msg, "interface h22nosuchif for vrrp_instance VI_1 doesn't exist") {
			return
		}
	}
	t.Errorf("no message for the missing interface at line 2:\n%s", d)
}
