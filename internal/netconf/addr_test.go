package netconf

import (
	"net/netip"
	"os"
	"os/exec"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/govrrpd/govrrpd/tools/nstest"
	"github.com/govrrpd/govrrpd/vrrp"
)

// TestAddrOnRecreatedLink adds VIPs through the link cache, then deletes
// and recreates the interface behind its back (a new ifindex, no
// ForgetLink): the next add must land on the new interface. The body runs
// in a child process started inside a namespace of its own, so the
// package's long-lived rtnetlink socket can only ever see that namespace.
func TestAddrOnRecreatedLink(t *testing.T) {
	if os.Getenv("NETCONF_TEST_IN_NS") == "1" {
		addrOnRecreatedLink(t)
		return
	}
	ns := nstest.New(t, "lc")
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestAddrOnRecreatedLink$", "-test.v")
	cmd.Env = append(os.Environ(), "NETCONF_TEST_IN_NS=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("in namespace %s: %v\n%s", ns, err, out)
	}
	t.Logf("%s", out)
}

func addrOnRecreatedLink(t *testing.T) {
	veth := func() int {
		v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "lc0"}, PeerName: "lc1"}
		if err := netlink.LinkAdd(v); err != nil {
			t.Fatal(err)
		}
		l, err := netlink.LinkByName("lc0")
		if err != nil {
			t.Fatal(err)
		}
		return l.Attrs().Index
	}
	vip := func(s string) vrrp.Address { return vrrp.Address{Prefix: netip.MustParsePrefix(s)} }
	has := func(a string) bool {
		ok, err := HasAddr("lc0", netip.MustParseAddr(a))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	first := veth()
	if err := AddAddr("lc0", vip("192.0.2.10/32")); err != nil || !has("192.0.2.10") {
		t.Fatalf("add on lc0: %v (present: %v)", err, has("192.0.2.10"))
	}
	if err := netlink.LinkDel(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "lc0", Index: first}}); err != nil {
		t.Fatal(err)
	}
	if second := veth(); second == first {
		t.Fatalf("recreated lc0 kept index %d; the test needs a new one", first)
	}
	if err := AddAddr("lc0", vip("192.0.2.11/32")); err != nil || !has("192.0.2.11") {
		t.Fatalf("add on the recreated lc0: %v (present: %v)", err, has("192.0.2.11"))
	}
	if removed, err := DelAddr("lc0", vip("192.0.2.11/32")); err != nil || !removed || has("192.0.2.11") {
		t.Fatalf("remove from lc0: removed=%v err=%v", removed, err)
	}
}
