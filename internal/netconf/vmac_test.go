package netconf

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

func TestEUI64LinkLocal(t *testing.T) {
	mac, _ := net.ParseMAC("a6:29:76:70:4a:b6")
	if got := eui64LinkLocal(mac).String(); got != "fe80::a429:76ff:fe70:4ab6" {
		t.Errorf("got %s", got) // the kernel's own address for this MAC, seen in the lab
	}
}

func TestVMACName(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		vrid   uint8
		want   string
	}{{"", 51, "vrrp.51"}, {"vrrp", 1, "vrrp.1"}, {"vm", 255, "vm.255"}} {
		if got := VMACName(tc.prefix, tc.vrid); got != tc.want {
			t.Errorf("%q %d: %s", tc.prefix, tc.vrid, got)
		}
	}
}

// sysctlsOf reads the per-interface values the VMAC code sets.
func sysctlsOf(dev string, keys ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, k := range keys {
		fam, name, _ := strings.Cut(k, "/")
		v, err := readSysctl(fam + "/conf/" + dev + "/" + name)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func TestVMACInNamespace(t *testing.T) {
	needRoot(t)
	a, b := newTestNS(t, "va"), newTestNS(t, "vb")
	vethPair(t, a, "a0", []string{"192.0.2.1/24"}, b, "b0", []string{"192.0.2.2/24"})
	mac, _ := vrrp.VirtualMAC(vrrp.IPv4, 51)
	a.run(t, func() error {
		// The parent's ARP settings start at the kernel defaults (0, 0).
		idx, err := CreateVMAC("a0", "vrrp.51", mac)
		if err != nil {
			return err
		}
		l, err := netlink.LinkByName("vrrp.51")
		if err != nil {
			return err
		}
		mv, ok := l.(*netlink.Macvlan)
		if !ok || mv.Mode != netlink.MACVLAN_MODE_PRIVATE || mv.HardwareAddr.String() != "00:00:5e:00:01:33" ||
			l.Attrs().Index != idx || l.Attrs().Flags&net.FlagUp == 0 {
			return fmt.Errorf("vmac: %T %+v", l, l.Attrs())
		}
		got, err := sysctlsOf("vrrp.51", "ipv4/arp_ignore", "ipv4/accept_local", "ipv4/rp_filter",
			"ipv4/promote_secondaries", "ipv6/disable_ipv6")
		if err != nil {
			return err
		}
		for k, v := range got {
			if want := map[string]string{"ipv4/rp_filter": "0"}[k]; want == "" && v != "1" || want != "" && v != want {
				return fmt.Errorf("vmac sysctl %s = %s", k, v)
			}
		}
		if p, _ := sysctlsOf("a0", "ipv4/arp_ignore", "ipv4/arp_filter"); p["ipv4/arp_ignore"] != "1" || p["ipv4/arp_filter"] != "1" {
			return fmt.Errorf("parent sysctls %v", p)
		}
		// Adopting it again (a reload) keeps the same interface.
		if idx2, err := CreateVMAC("a0", "vrrp.51", mac); err != nil || idx2 != idx {
			return fmt.Errorf("re-create: %d %v (was %d)", idx2, err, idx)
		}
		// A second VMAC on the parent holds the parent settings.
		mac2, _ := vrrp.VirtualMAC(vrrp.IPv4, 52)
		if _, err := CreateVMAC("a0", "vrrp.52", mac2); err != nil {
			return err
		}
		if err := DeleteVMAC("vrrp.51"); err != nil {
			return err
		}
		if _, err := netlink.LinkByName("vrrp.51"); err == nil {
			return fmt.Errorf("vrrp.51 still there")
		}
		if p, _ := sysctlsOf("a0", "ipv4/arp_ignore"); p["ipv4/arp_ignore"] != "1" {
			return fmt.Errorf("parent released while vrrp.52 uses it")
		}
		if err := DeleteVMAC("vrrp.52"); err != nil {
			return err
		}
		if p, _ := sysctlsOf("a0", "ipv4/arp_ignore", "ipv4/arp_filter"); p["ipv4/arp_ignore"] != "0" || p["ipv4/arp_filter"] != "0" {
			return fmt.Errorf("parent not restored: %v", p)
		}
		return DeleteVMAC("vrrp.52") // absent: fine
	})
}

func TestVMACStaleAndForeign(t *testing.T) {
	needRoot(t)
	a, b := newTestNS(t, "sa"), newTestNS(t, "sb")
	vethPair(t, a, "a0", []string{"192.0.2.1/24"}, b, "b0", nil)
	a.run(t, func() error {
		// A crashed run left vrrp.7 with the wrong MAC and mode.
		wrong, _ := net.ParseMAC("02:00:00:00:00:07")
		a0, _ := netlink.LinkByName("a0")
		stale := &netlink.Macvlan{Mode: netlink.MACVLAN_MODE_BRIDGE,
			LinkAttrs: netlink.LinkAttrs{Name: "vrrp.7", ParentIndex: a0.Attrs().Index, HardwareAddr: wrong}}
		if err := netlink.LinkAdd(stale); err != nil {
			return err
		}
		mac, _ := vrrp.VirtualMAC(vrrp.IPv4, 7)
		if _, err := CreateVMAC("a0", "vrrp.7", mac); err != nil {
			return err
		}
		l, _ := netlink.LinkByName("vrrp.7")
		if mv := l.(*netlink.Macvlan); mv.Mode != netlink.MACVLAN_MODE_PRIVATE || mv.HardwareAddr.String() != mac.String() {
			return fmt.Errorf("stale VMAC not recreated: %+v", mv)
		}
		if err := DeleteVMAC("vrrp.7"); err != nil {
			return err
		}
		// A real interface with the name is never deleted.
		if _, err := CreateVMAC("a0", "lo", mac); err == nil {
			return fmt.Errorf("took over lo")
		}
		if err := DeleteVMAC("a0"); err == nil {
			return fmt.Errorf("deleted a veth")
		}
		if _, err := netlink.LinkByName("a0"); err != nil {
			return err
		}
		return nil
	})
}

func TestVMACIPv6(t *testing.T) {
	needRoot(t)
	a, b := newTestNS(t, "6a"), newTestNS(t, "6b")
	vethPair(t, a, "a0", []string{"fe80::1/64", "2001:db8::1/64"}, b, "b0", nil)
	mac, _ := vrrp.VirtualMAC(vrrp.IPv6, 9)
	a.run(t, func() error {
		if _, err := CreateVMAC("a0", "vrrp.9", mac); err != nil {
			return err
		}
		l, _ := netlink.LinkByName("vrrp.9")
		addrs, err := netlink.AddrList(l, netlink.FAMILY_V6)
		if err != nil {
			return err
		}
		// Only the parent's link-local: nothing derived from the virtual MAC.
		parentLL, err := PrimaryAddr("a0", 6)
		if err != nil {
			return err
		}
		if len(addrs) != 1 || addrs[0].IP.String() != parentLL.String() || addrs[0].Flags&unix.IFA_F_NODAD == 0 {
			return fmt.Errorf("vmac addresses %v", addrs)
		}
		if l.(*netlink.Macvlan).HardwareAddr.String() != "00:00:5e:00:02:09" {
			return fmt.Errorf("mac %s", l.Attrs().HardwareAddr)
		}
		if p, _ := sysctlsOf("a0", "ipv4/arp_ignore"); p["ipv4/arp_ignore"] != "0" {
			return fmt.Errorf("IPv6 VMAC changed the parent's ARP settings")
		}
		if err := DeleteVMAC("vrrp.9"); err != nil {
			return err
		}
		// unicast_src_ip chooses the VMAC's source instead.
		mac10, _ := vrrp.VirtualMAC(vrrp.IPv6, 10)
		if _, err := CreateVMACWith("a0", "vrrp.10", mac10, VMACOptions{Family: vrrp.IPv6, LinkLocal: ip("fe80::10")}); err != nil {
			return err
		}
		l, _ = netlink.LinkByName("vrrp.10")
		if addrs, _ = netlink.AddrList(l, netlink.FAMILY_V6); len(addrs) != 1 || addrs[0].IP.String() != "fe80::10" {
			return fmt.Errorf("vrrp.10 addresses %v", addrs)
		}
		return DeleteVMAC("vrrp.10")
	})
}
