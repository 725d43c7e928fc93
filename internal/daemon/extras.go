package daemon

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/govrrpd/govrrpd/internal/netconf"
	"github.com/govrrpd/govrrpd/vrrp"
)

// This file carries out what surrounds the VIPs: virtual routes and rules,
// static addresses/routes/rules, use_vmac, and the no_accept firewall.

func (d *Daemon) addRoutesRules(in *instance) {
	if in.cfg.Opts == nil {
		return
	}
	for _, r := range in.cfg.Opts.Routes {
		if err := d.sys.AddRoute(r, in.cfg.Interface); err != nil {
			d.log.Error("add virtual route", "instance", in.cfg.Name, "route", routeText(r), "err", err)
		}
	}
	for _, r := range in.cfg.Opts.Rules {
		if err := d.sys.AddRule(r); err != nil {
			d.log.Error("add virtual rule", "instance", in.cfg.Name, "rule", ruleText(r), "err", err)
		}
	}
}

func (d *Daemon) removeRoutesRules(in *instance) {
	o := in.cfg.Opts
	if o == nil {
		return
	}
	for i := len(o.Rules) - 1; i >= 0; i-- {
		if err := d.sys.DelRule(o.Rules[i]); err != nil {
			d.log.Error("remove virtual rule", "instance", in.cfg.Name, "err", err)
		}
	}
	for i := len(o.Routes) - 1; i >= 0; i-- {
		if err := d.sys.DelRoute(o.Routes[i], in.cfg.Interface); err != nil {
			d.log.Error("remove virtual route", "instance", in.cfg.Name, "err", err)
		}
	}
}

func routeText(r vrrp.Route) string { return fmt.Sprint(r.Words) }
func ruleText(r vrrp.Rule) string   { return fmt.Sprint(r.Words) }

// applyStatic installs static_ipaddress, static_routes and static_rules,
// which hold whatever the VRRP state.
func (d *Daemon) applyStatic() {
	for _, a := range d.cfg.StaticAddresses {
		dev := a.Options().Dev
		if dev == "" {
			dev = d.cfg.VRRP.DefaultInterface
		}
		if err := d.sys.AddAddr(dev, a); err != nil {
			d.log.Error("static address", "addr", a.Prefix, "err", err)
		}
	}
	for _, r := range d.cfg.StaticRoutes {
		if err := d.sys.AddRoute(r, d.cfg.VRRP.DefaultInterface); err != nil {
			d.log.Error("static route", "route", routeText(r), "err", err)
		}
	}
	for _, r := range d.cfg.StaticRules {
		if err := d.sys.AddRule(r); err != nil {
			d.log.Error("static rule", "rule", ruleText(r), "err", err)
		}
	}
}

// removeStatic takes the static items away at exit (not with -V).
func (d *Daemon) removeStatic() {
	if d.opts.DontReleaseVRRP {
		return
	}
	for _, r := range d.cfg.StaticRules {
		d.sys.DelRule(r)
	}
	for _, r := range d.cfg.StaticRoutes {
		d.sys.DelRoute(r, d.cfg.VRRP.DefaultInterface)
	}
	for _, a := range d.cfg.StaticAddresses {
		dev := a.Options().Dev
		if dev == "" {
			dev = d.cfg.VRRP.DefaultInterface
		}
		d.sys.DelAddr(dev, a)
	}
}

// setupVMAC creates the instance's macvlan (use_vmac) before its socket is
// opened: VIPs go on it, and adverts leave from it unless vmac_xmit_base.
func (d *Daemon) setupVMAC(cfg *vrrp.Instance) (string, error) {
	if cfg.VMAC == nil {
		return "", nil
	}
	name := cfg.VMAC.Name
	if name == "" {
		name = netconf.VMACName(d.cfg.VRRP.VMACPrefix, cfg.VRID)
	}
	mac, err := vrrp.VirtualMAC(cfg.Family, cfg.VRID)
	if err != nil {
		return "", err
	}
	if _, err := netconf.CreateVMACWith(cfg.Interface, name, mac, netconf.VMACOptions{Family: cfg.Family, LinkLocal: cfg.Options().UnicastSrc,
		KeepIPv6: hasV6(cfg.Options().ExcludedVIPs)}); err != nil {
		return "", fmt.Errorf("vrrp %s: use_vmac %s: %w", cfg.Name, name, err)
	}
	d.log.Info("VMAC created", "instance", cfg.Name, "interface", name, "mac", mac.String())
	return name, nil
}

func hasV6(as []vrrp.Address) bool {
	for _, a := range as {
		if a.Prefix.Addr().Is6() {
			return true
		}
	}
	return false
}

// vipAddrs lists VIPs and eVIPs for the firewall, link-local ones with
// their interface as zone.
func (in *instance) vipAddrs() []netip.Addr {
	var out []netip.Addr
	for _, list := range [][]vrrp.Address{in.cfg.VIPs, in.cfg.Options().ExcludedVIPs} {
		for _, a := range list {
			ip := a.Prefix.Addr()
			if ip.Is6() && ip.IsLinkLocalUnicast() {
				ip = ip.WithZone(in.dev(a))
			}
			out = append(out, ip)
		}
	}
	return out
}

func (d *Daemon) setNoAccept(in *instance, on bool) {
	if in.cfg.Accept || d.fwBroken {
		return
	}
	if err := d.sys.SetNoAccept(in.vipAddrs(), on); err != nil {
		if errors.Is(err, errNoFirewall) {
			// Said once: every later instance would say the same.
			d.fwBroken = true
		}
		d.log.Error("nftables no_accept", "instance", in.cfg.Name, "err", err)
	}
}
