package lvscf

import (
	"fmt"
	"math/bits"
	"net/netip"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/srcpos"
	"github.com/govrrpd/govrrpd/vrrp"
)

// instance builds the one VRRP instance that replaces pulse. Two-node
// setups start BACKUP on both nodes with nopreempt, because pulse never
// took control back from an active partner; the higher primary priority
// only settles simultaneous starts, as pulse's role did.
func (c *converter) instance(blocks []*Virtual, twoNode bool, own, peer netip.Addr) (*vrrp.Instance, error) {
	cfg := c.cfg
	if cfg.Keepalive < 1 || cfg.Keepalive > 255 {
		return nil, fmt.Errorf("keepalive %d outside the VRRP advert interval range 1..255 s", cfg.Keepalive)
	}
	name := "VI_LVS"
	if cfg.Service == "fos" {
		name = "VI_FOS"
	}
	inst := &vrrp.Instance{
		Name: name, Source: srcpos.Make("lvs.cf", 0), State: vrrp.WantMaster, VRID: uint8(c.opts.VRID),
		Priority: 100, AdvertInt: time.Duration(cfg.Keepalive) * time.Second,
		Version: 2, Family: vrrp.IPv4,
	}
	if twoNode {
		inst.State, inst.Nopreempt, inst.OptsRef().UnicastSrc = vrrp.WantBackup, true, own
		inst.OptsRef().UnicastPeers = []vrrp.Peer{{Addr: peer}}
		if c.opts.Node == "primary" {
			inst.Priority = 150
		}
	}
	inst.Interface = c.opts.VRRPInterface
	if inst.Interface == "" {
		inst.Interface = baseDev(blocks[0].Device)
	}
	for _, h := range []struct {
		key string
		h   Host
	}{{"primary", cfg.Primary}, {"backup", cfg.Backup}, {"nat_router", cfg.NATRouter}} {
		if h.h.Resolved {
			c.info("hostname_resolved", cfg.Seen[h.key], "%s %s resolved to %s", h.key, h.h.Text, h.h.Addr)
		}
	}
	vips, err := c.vips(blocks)
	if err != nil {
		return nil, err
	}
	inst.VIPs = vips
	return inst, nil
}

// vips lists the NAT router first, then each distinct address of the
// active blocks in file order; the first block with an address decides
// its device and mask, as pulse's first ifconfig did.
func (c *converter) vips(blocks []*Virtual) ([]vrrp.Address, error) {
	cfg := c.cfg
	var out []vrrp.Address
	if cfg.NATRouter.Addr.IsValid() {
		if cfg.Network == "nat" {
			a, err := c.vip(cfg.NATRouter.Addr, cfg.NATRouterDev, cfg.NATNmask, "nat_router", cfg.Seen["nat_router"])
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		} else {
			c.info("nat_router_ignored", cfg.Seen["nat_router"], "nat_router ignored because network = %s", cfg.Network)
		}
	}
	seen := map[netip.Addr]string{}
	for _, b := range blocks {
		if first, dup := seen[b.Address.Addr]; dup {
			c.info("vip_shared", b.Line, "%s %s shares address %s with %s; its device and mask are taken from %s",
				blockKind(cfg), b.Name, b.Address.Addr, first, first)
			continue
		}
		seen[b.Address.Addr] = b.Name
		if b.Address.Resolved {
			c.info("hostname_resolved", b.Seen["address"], "%s %s: address %s resolved to %s", blockKind(cfg), b.Name, b.Address.Text, b.Address.Addr)
		}
		a, err := c.vip(b.Address.Addr, b.Device, b.VIPNmask, blockKind(cfg)+" "+b.Name, b.Seen["address"])
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func blockKind(cfg *Config) string {
	if cfg.Service == "fos" {
		return "failover"
	}
	return "virtual"
}

func (c *converter) vip(addr netip.Addr, dev string, mask netip.Addr, what string, line int) (vrrp.Address, error) {
	if !addr.IsValid() || addr.IsUnspecified() {
		return vrrp.Address{}, fmt.Errorf("%s: address missing or 0.0.0.0", what)
	}
	bitsLen := 32
	if mask.IsValid() {
		n, ok := maskLen(mask)
		if !ok {
			return vrrp.Address{}, fmt.Errorf("%s: netmask %s is not contiguous", what, mask)
		}
		bitsLen = n
	} else {
		c.warn("vip_mask_defaulted", line, "%s: no netmask; using /32 (pulse's ifconfig gave %s the classful mask)", what, addr)
	}
	a := vrrp.Address{Prefix: netip.PrefixFrom(addr, bitsLen), Opts: &vrrp.AddressOptions{Dev: baseDev(dev)}}
	if !strings.Contains(dev, ":") {
		c.warn("vip_without_alias", line, "%s: device %s has no alias; pulse replaced the interface's primary address, keepalived adds %s beside it", what, dev, addr)
		return a, nil
	}
	a.Opts.Label = dev
	if prev, ok := c.labels[dev]; ok && prev != addr {
		c.warn("alias_label_conflict", line, "%s: alias %s already carries %s; pulse kept only the last address on an alias, keepalived keeps both", what, dev, prev)
	} else {
		c.labels[dev] = addr
	}
	return a, nil
}

// maskLen is the prefix length of a contiguous IPv4 netmask.
func maskLen(m netip.Addr) (int, bool) {
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := bits.LeadingZeros32(^v)
	return n, v<<n == 0
}

func baseDev(dev string) string {
	if i := strings.IndexByte(dev, ':'); i >= 0 {
		return dev[:i]
	}
	return dev
}

// lvsNotify maps active_cmd/inactive_cmd, which pulse ran with execv after
// splitting on spaces.
func (c *converter) lvsNotify(inst *vrrp.Instance) {
	if cmd := strings.TrimSpace(c.cfg.ActiveCmd); cmd != "" {
		inst.NotifyRef().Master = commandSpec(cmd)
		c.scripts = true
	}
	if cmd := strings.TrimSpace(c.cfg.InactiveCmd); cmd != "" {
		s := commandSpec(cmd)
		n := inst.NotifyRef()
		n.Backup, n.Fault, n.Stop = s, s, s
		c.scripts = true
	}
}

func syncDaemon(iface, instance string, id int) *ipvs.SyncDaemon {
	return &ipvs.SyncDaemon{Interface: iface, Instance: instance, ID: id, Port: 8848, TTL: 1}
}

func timeouts(tcp, fin, udp int) ipvs.Timeouts {
	sec := func(n int) time.Duration {
		if n <= 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	return ipvs.Timeouts{TCP: sec(tcp), TCPFin: sec(fin), UDP: sec(udp)}
}
