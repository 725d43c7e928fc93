package netconf

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

// use_vmac: a macvlan in private mode carrying the VRRP virtual MAC, so the
// VIPs keep their MAC across a failover and switches need no GARP to move
// them. The sysctls are keepalived 2.2.7's, measured in a namespace and
// read in its vrrp_if_config.c:
//
//   - on the VMAC: arp_ignore=1 (do not answer ARP for the parent's
//     addresses), accept_local=1 (hear the other routers' adverts, which
//     carry our own VMAC as source), rp_filter=0 (receive while it has no
//     address), promote_secondaries=1;
//   - on the parent, for IPv4 instances: arp_ignore=1 and arp_filter=1, so
//     the parent never answers ARP for a VIP with its own MAC, and
//     (govrrpd only) arp_announce=2, see parentARP. The old values are
//     restored when the last VMAC on that parent goes.
//
// IPv4 VMACs get IPv6 disabled (no link-local address, no MLD/ND noise with
// the virtual MAC). IPv6 VMACs get address generation "none" and one
// link-local address, the parent's (or one derived from the parent's MAC),
// so adverts leave from a stable non-VIP source with the virtual MAC.

// VMACOptions refine CreateVMACWith; the zero value is an IPv4 VMAC.
type VMACOptions struct {
	Family vrrp.Family
	// LinkLocal is the IPv6 source for the VMAC (unicast_src_ip); zero
	// means the parent's link-local address.
	LinkLocal netip.Addr
	// KeepIPv6 leaves IPv6 on for an IPv4 instance with IPv6 eVIPs.
	KeepIPv6 bool
}

// parentState counts our VMACs on a parent and remembers the ARP sysctls
// we overwrote there.
type parentState struct {
	users int
	saved map[string]string // sysctl → value we replaced
}

// parentARP are the parent's sysctls for an IPv4 VMAC. arp_ignore and
// arp_filter are keepalived's; arp_announce=2 is govrrpd's addition: when
// the parent itself resolves a client's address for a reply sent from a
// VIP, it must not announce the VIP with the parent's MAC (with keepalived
// the client's cache flips to the parent's MAC on the first such reply).
var parentARP = []struct{ key, val string }{{"arp_ignore", "1"}, {"arp_filter", "1"}, {"arp_announce", "2"}}

var (
	vmacMu  sync.Mutex
	parents = map[string]*parentState{}
	vmacOf  = map[string]string{} // VMAC name -> parent name
)

// sysctlRoot is where per-interface sysctls live; tests never change it,
// but naming it keeps the path in one place.
const sysctlRoot = "/proc/sys/net"

// CreateVMAC creates (or adopts) the VMAC name on parent with mac, the
// family taken from the VRRP MAC's fifth byte (00:00:5e:00:02:xx is IPv6).
func CreateVMAC(parent, name string, mac net.HardwareAddr) (int, error) {
	o := VMACOptions{Family: vrrp.IPv4}
	if len(mac) == 6 && bytes.Equal(mac[:4], []byte{0, 0, 0x5e, 0}) && mac[4] == 2 {
		o.Family = vrrp.IPv6
	}
	return CreateVMACWith(parent, name, mac, o)
}

// CreateVMACWith is CreateVMAC with the family and IPv6 source explicit.
// A macvlan of that name left by a crashed run is reused when it has the
// right parent, MAC and mode, and recreated otherwise; an interface of that
// name that is not a macvlan is never touched.
func CreateVMACWith(parent, name string, mac net.HardwareAddr, o VMACOptions) (int, error) {
	vmacMu.Lock()
	defer vmacMu.Unlock()
	defer ForgetLink(name) // possibly recreated: a new index
	pl, err := netlink.LinkByName(parent)
	if err != nil {
		return 0, fmt.Errorf("vmac %s: parent %s: %w", name, parent, err)
	}
	link, err := adoptOrClear(name, pl, mac)
	if err != nil {
		return 0, fmt.Errorf("vmac %s: %w", name, err)
	}
	if link == nil {
		mv := &netlink.Macvlan{Mode: netlink.MACVLAN_MODE_PRIVATE, LinkAttrs: netlink.LinkAttrs{
			Name: name, ParentIndex: pl.Attrs().Index, HardwareAddr: mac}}
		if err := netlink.LinkAdd(mv); err != nil {
			return 0, fmt.Errorf("vmac %s: create on %s: %w", name, parent, err)
		}
		if link, err = netlink.LinkByName(name); err != nil {
			return 0, fmt.Errorf("vmac %s: %w", name, err)
		}
		slog.Info("created VMAC interface", "name", name, "parent", parent, "mac", mac.String())
	}
	if err := configureVMAC(link, pl, o); err != nil {
		return 0, fmt.Errorf("vmac %s: %w", name, err)
	}
	if _, held := vmacOf[name]; !held && o.Family != vrrp.IPv6 {
		if err := holdParentARP(parent); err != nil {
			return 0, fmt.Errorf("vmac %s: parent %s: %w", name, parent, err)
		}
		vmacOf[name] = parent
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return 0, fmt.Errorf("vmac %s: up: %w", name, err)
	}
	return link.Attrs().Index, nil
}

// adoptOrClear returns an existing VMAC that matches, deletes a stale one
// that does not, and refuses to delete anything that is not a macvlan.
func adoptOrClear(name string, parent netlink.Link, mac net.HardwareAddr) (netlink.Link, error) {
	old, err := netlink.LinkByName(name)
	if err != nil {
		if errors.As(err, new(netlink.LinkNotFoundError)) {
			return nil, nil
		}
		return nil, err
	}
	mv, ok := old.(*netlink.Macvlan)
	if !ok {
		return nil, fmt.Errorf("interface %s exists and is a %s, not a macvlan", name, old.Type())
	}
	if mv.ParentIndex == parent.Attrs().Index && bytes.Equal(mv.HardwareAddr, mac) && mv.Mode == netlink.MACVLAN_MODE_PRIVATE {
		slog.Info("reusing VMAC interface", "name", name)
		return mv, nil
	}
	slog.Info("removing stale VMAC interface with conflicting parent, MAC or mode", "name", name)
	if err := netlink.LinkDel(mv); err != nil {
		return nil, fmt.Errorf("remove stale %s: %w", name, err)
	}
	return nil, nil
}

func configureVMAC(link, parent netlink.Link, o VMACOptions) error {
	name := link.Attrs().Name
	for k, v := range map[string]string{"arp_ignore": "1", "accept_local": "1", "rp_filter": "0",
		"promote_secondaries": "1"} {
		if err := writeSysctl("ipv4/conf/"+name+"/"+k, v); err != nil {
			return err
		}
	}
	// RFC 5798 §7.4: the VMAC must not invent a link-local address of its
	// own from the virtual MAC, which the other routers would share.
	if err := netlink.LinkSetIP6AddrGenMode(link, nl.IN6_ADDR_GEN_MODE_NONE); err != nil {
		return fmt.Errorf("addrgenmode none: %w", err)
	}
	if o.Family != vrrp.IPv6 && !o.KeepIPv6 {
		return writeSysctl("ipv6/conf/"+name+"/disable_ipv6", "1")
	}
	if err := writeSysctl("ipv6/conf/"+name+"/disable_ipv6", "0"); err != nil {
		return err
	}
	if o.Family != vrrp.IPv6 {
		return nil
	}
	ll := o.LinkLocal
	if !ll.IsValid() {
		var err error
		if ll, err = PrimaryAddr(parent.Attrs().Name, 6); err != nil {
			ll = eui64LinkLocal(parent.Attrs().HardwareAddr)
		}
	}
	a := &netlink.Addr{IPNet: &net.IPNet{IP: ll.AsSlice(), Mask: net.CIDRMask(64, 128)}, Flags: unix.IFA_F_NODAD}
	if err := netlink.AddrAdd(link, a); err != nil && !errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("link-local %s: %w", ll, err)
	}
	return nil
}

// eui64LinkLocal is fe80::/64 with the modified EUI-64 of mac.
func eui64LinkLocal(mac net.HardwareAddr) netip.Addr {
	var b [16]byte
	b[0], b[1] = 0xfe, 0x80
	if len(mac) == 6 {
		b[8], b[9], b[10], b[11], b[12] = mac[0]^2, mac[1], mac[2], 0xff, 0xfe
		b[13], b[14], b[15] = mac[3], mac[4], mac[5]
	}
	return netip.AddrFrom16(b)
}

// holdParentARP sets arp_ignore/arp_filter on the parent for the first of
// our VMACs on it and remembers the values it replaced.
func holdParentARP(parent string) error {
	ps := parents[parent]
	if ps == nil {
		ps = &parentState{saved: map[string]string{}}
		for _, kv := range parentARP {
			path := "ipv4/conf/" + parent + "/" + kv.key
			old, err := readSysctl(path)
			if err != nil {
				return err
			}
			if old != kv.val {
				if err := writeSysctl(path, kv.val); err != nil {
					return err
				}
				ps.saved[kv.key] = old
			}
		}
		parents[parent] = ps
	}
	ps.users++
	return nil
}

func releaseParentARP(parent string) error {
	ps := parents[parent]
	if ps == nil {
		return nil
	}
	if ps.users--; ps.users > 0 {
		return nil
	}
	delete(parents, parent)
	var errs []error
	for k, v := range ps.saved {
		errs = append(errs, writeSysctl("ipv4/conf/"+parent+"/"+k, v))
	}
	return errors.Join(errs...)
}

// DeleteVMAC removes the VMAC name (absent is not an error) and, with the
// last of our VMACs on its parent, puts back the parent sysctls this
// process changed. A name that is not a macvlan is refused.
func DeleteVMAC(name string) error {
	vmacMu.Lock()
	defer vmacMu.Unlock()
	defer ForgetLink(name)
	l, err := netlink.LinkByName(name)
	switch {
	case errors.As(err, new(netlink.LinkNotFoundError)):
	case err != nil:
		return fmt.Errorf("vmac %s: %w", name, err)
	default:
		if _, ok := l.(*netlink.Macvlan); !ok {
			return fmt.Errorf("vmac %s: refusing to delete a %s", name, l.Type())
		}
		if err := netlink.LinkDel(l); err != nil && !errors.Is(err, syscall.ENODEV) {
			return fmt.Errorf("vmac %s: delete: %w", name, err)
		}
	}
	parent, ok := vmacOf[name]
	if !ok {
		return nil
	}
	delete(vmacOf, name)
	if err := releaseParentARP(parent); err != nil {
		return fmt.Errorf("vmac %s: restore %s sysctls: %w", name, parent, err)
	}
	return nil
}

// VMACName is the default interface name of an instance's VMAC:
// vmac_prefix (default "vrrp") "." VRID.
func VMACName(prefix string, vrid uint8) string {
	if prefix == "" {
		prefix = "vrrp"
	}
	return prefix + "." + strconv.Itoa(int(vrid))
}

func readSysctl(rel string) (string, error) {
	b, err := os.ReadFile(sysctlRoot + "/" + rel)
	if err != nil {
		return "", fmt.Errorf("sysctl %s: %w", rel, err)
	}
	return strings.TrimSpace(string(b)), nil
}

func writeSysctl(rel, v string) error {
	if err := os.WriteFile(sysctlRoot+"/"+rel, []byte(v), 0o644); err != nil {
		return fmt.Errorf("sysctl %s=%s: %w", rel, v, err)
	}
	return nil
}
