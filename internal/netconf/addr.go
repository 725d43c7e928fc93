package netconf

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

// handle is one long-lived rtnetlink socket for every address change: a
// fresh socket per request (the package-level netlink functions) costs a
// measurable part of a millisecond on the takeover path.
var (
	handleOnce sync.Once
	handle     *netlink.Handle
)

// links caches interfaces by name. Looking one up (RTM_GETLINK, and
// parsing the full link message it returns) measured 250 µs after an idle
// spell here, three times the address change itself, and it sat on the
// takeover path before every VIP. Link notifications and ENODEV drop
// entries (ForgetLink), so a recreated interface is looked up afresh.
var links struct {
	sync.Mutex
	m map[string]netlink.Link
}

func linkByName(dev string) (netlink.Link, error) {
	links.Lock()
	l, ok := links.m[dev]
	links.Unlock()
	if ok {
		return l, nil
	}
	l, err := rtnl().LinkByName(dev)
	if err != nil {
		return nil, err
	}
	links.Lock()
	if links.m == nil {
		links.m = map[string]netlink.Link{}
	}
	links.m[dev] = l
	links.Unlock()
	return l, nil
}

// ForgetLink drops dev from the cache; the daemon calls it for every link
// notification, before an interface's next use.
func ForgetLink(dev string) {
	links.Lock()
	delete(links.m, dev)
	links.Unlock()
}

// withLink runs op on dev's cached link, and once more on a fresh lookup
// if the kernel no longer knows the cached index.
func withLink(dev string, op func(netlink.Link) error) error {
	l, err := linkByName(dev)
	if err != nil {
		return err
	}
	if err = op(l); errors.Is(err, syscall.ENODEV) {
		ForgetLink(dev)
		if l, err = linkByName(dev); err != nil {
			return err
		}
		err = op(l)
	}
	return err
}

func rtnl() *netlink.Handle {
	handleOnce.Do(func() {
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			h = &netlink.Handle{} // the zero Handle opens a socket per request
		}
		handle = h
	})
	return handle
}

// scopes maps keepalived's scope names to rtnetlink values.
var scopes = map[string]int{
	"global": unix.RT_SCOPE_UNIVERSE, "site": unix.RT_SCOPE_SITE, "link": unix.RT_SCOPE_LINK,
	"host": unix.RT_SCOPE_HOST, "nowhere": unix.RT_SCOPE_NOWHERE,
}

var flagBits = map[string]int{
	"home": unix.IFA_F_HOMEADDRESS, "-nodad": unix.IFA_F_NODAD, "nodad": unix.IFA_F_NODAD,
	"mngtmpaddr": unix.IFA_F_MANAGETEMPADDR, "noprefixroute": unix.IFA_F_NOPREFIXROUTE,
	"autojoin": unix.IFA_F_MCAUTOJOIN,
}

// toNetlink converts a VIP entry. dev is the interface the entry goes on
// (its own `dev`, else the instance's interface).
func toNetlink(a vrrp.Address) (*netlink.Addr, error) {
	o := a.Options()
	p := a.Prefix
	na := &netlink.Addr{IPNet: &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}, Label: o.Label}
	if s, ok := scopes[o.Scope]; ok {
		na.Scope = s
	} else if o.Scope != "" {
		n, err := strconv.Atoi(o.Scope)
		if err != nil {
			return nil, fmt.Errorf("address %s: unknown scope %q", p, o.Scope)
		}
		na.Scope = n
	}
	for _, f := range o.Flags {
		na.Flags |= flagBits[f]
	}
	if p.Addr().Is6() {
		// keepalived adds IPv6 VIPs without DAD: a backup that takes over
		// must not wait a second before it may use the address.
		na.Flags |= unix.IFA_F_NODAD
		if o.Preferred != "forever" && p.Bits() == 128 {
			na.PreferedLft, na.ValidLft = 0, 0xffffffff
		}
	}
	if o.Peer.IsValid() {
		na.Peer = &net.IPNet{IP: o.Peer.AsSlice(), Mask: net.CIDRMask(o.Peer.BitLen(), o.Peer.BitLen())}
	}
	switch o.Brd {
	case "":
	case "+":
		na.Broadcast = broadcast(p)
	case "-":
		na.Broadcast = p.Masked().Addr().AsSlice()
	default:
		b, err := netip.ParseAddr(o.Brd)
		if err != nil {
			return nil, fmt.Errorf("address %s: bad brd %q", p, o.Brd)
		}
		na.Broadcast = b.AsSlice()
	}
	return na, nil
}

func broadcast(p netip.Prefix) net.IP {
	if !p.Addr().Is4() {
		return nil
	}
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// AddAddr adds a to dev; an address that is already there is not an error
// (a reload or a restart after a crash may find it).
func AddAddr(dev string, a vrrp.Address) error {
	na, err := toNetlink(a)
	if err != nil {
		return err
	}
	err = withLink(dev, func(l netlink.Link) error { return rtnl().AddrAdd(l, na) })
	if err != nil && !errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("add %s on %s: %w", a.Prefix, dev, err)
	}
	return nil
}

// DelAddr removes a from dev and reports whether it was there; an address
// that is not there is not an error.
func DelAddr(dev string, a vrrp.Address) (bool, error) {
	na, err := toNetlink(a)
	if err != nil {
		return false, err
	}
	if err := withLink(dev, func(l netlink.Link) error { return rtnl().AddrDel(l, na) }); err != nil {
		if errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.ENOENT) {
			return false, nil
		}
		return false, fmt.Errorf("remove %s from %s: %w", a.Prefix, dev, err)
	}
	return true, nil
}

// HasAddr reports whether addr is configured on dev.
func HasAddr(dev string, addr netip.Addr) (bool, error) {
	link, err := rtnl().LinkByName(dev)
	if err != nil {
		return false, err
	}
	list, err := rtnl().AddrList(link, netlink.FAMILY_ALL)
	if err != nil {
		return false, err
	}
	for _, a := range list {
		if ip, ok := netip.AddrFromSlice(a.IP); ok && ip.Unmap() == addr {
			return true, nil
		}
	}
	return false, nil
}

// PrimaryAddr returns the address VRRP uses as "ours" on dev: the first
// IPv4 address for IPv4, the link-local address for IPv6 (RFC 5798 §5.1.2.2).
func PrimaryAddr(dev string, family int) (netip.Addr, error) {
	link, err := rtnl().LinkByName(dev)
	if err != nil {
		return netip.Addr{}, err
	}
	fam := netlink.FAMILY_V4
	if family == 6 {
		fam = netlink.FAMILY_V6
	}
	list, err := rtnl().AddrList(link, fam)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, a := range list {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok {
			continue
		}
		ip = ip.Unmap()
		if family == 6 && !ip.IsLinkLocalUnicast() {
			continue
		}
		if a.Flags&unix.IFA_F_SECONDARY != 0 {
			continue
		}
		return ip, nil
	}
	return netip.Addr{}, fmt.Errorf("no usable IPv%d address on %s", family, dev)
}
