package snmpagent

import (
	"net"
	"net/netip"
	"strconv"

	"github.com/govrrpd/govrrpd/internal/snmpmib"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/vrrp"
)

// The advert groups of RFC 5798.
var (
	mcast4 = netip.MustParseAddr("224.0.0.18")
	mcast6 = netip.MustParseAddr("ff02::12")
)

// instanceConf is what the MIBs show of an instance's configuration.
func instanceConf(in vrrp.Instance, sd *ipvs.SyncDaemon) snmpmib.InstanceConf {
	o := in.Options()
	c := snmpmib.InstanceConf{Preempt: !in.Nopreempt, PreemptDelay: o.PreemptDelay, AuthType: int(in.Auth.Type),
		GARPDelay: in.GARP.MasterDelay, SMTPAlert: in.SMTPAlert, NotifyExec: notifies(in.Notifies()),
		NotifyDeleted: in.Notifies().DeletedSet, Accept: in.Accept, Src: o.McastSrc}
	if sd != nil && sd.Instance == in.Name {
		c.LVSSyncIf = sd.Interface
	}
	switch {
	case len(o.UnicastPeers) > 0:
		c.Src = o.UnicastSrc
	case o.McastDst.IsValid():
		c.Mcast = o.McastDst
	case in.Family == vrrp.IPv6:
		c.Mcast = mcast6
	default:
		c.Mcast = mcast4
	}
	if in.VMAC != nil {
		c.MACIf = in.VMAC.Name
		if c.MACIf == "" {
			c.MACIf = "vrrp." + strconv.Itoa(int(in.VRID))
		}
	}
	for k, list := range [][]vrrp.Address{in.VIPs, o.ExcludedVIPs} {
		for _, a := range list {
			o := a.Options()
			v := snmpmib.VIPConf{Prefix: a.Prefix, Dev: o.Dev, Label: o.Label, Brd: o.Brd, Scope: o.Scope, Peer: o.Peer}
			if k == 0 {
				c.VIPs = append(c.VIPs, v)
			} else {
				c.ExcludedVIPs = append(c.ExcludedVIPs, v)
			}
		}
	}
	return c
}

// notifies is keepalived's notify_exec: any notify script configured.
func notifies(n vrrp.Notify) bool {
	for _, s := range []interface{ IsZero() bool }{n.Master, n.Backup, n.Fault, n.Stop, n.Generic, n.Deleted, n.MasterRxLowerPri} {
		if !s.IsZero() {
			return true
		}
	}
	return false
}

func ifMAC(name string) []byte {
	ifi, err := net.InterfaceByName(name)
	if err != nil || len(ifi.HardwareAddr) == 0 {
		return nil
	}
	return ifi.HardwareAddr
}

// ifAddr is the interface's first address of a family, as keepalived
// takes its primary address (IPv6: the link-local one).
func ifAddr(name string, v6 bool) netip.Addr {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return netip.Addr{}
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return netip.Addr{}
	}
	for _, a := range addrs {
		p, err := netip.ParsePrefix(a.String())
		if err != nil {
			continue
		}
		ad := p.Addr()
		if v6 && ad.Is6() && ad.IsLinkLocalUnicast() || !v6 && ad.Is4() {
			return ad
		}
	}
	return netip.Addr{}
}

// vsConf is what the checker tree shows of a virtual server's
// configuration.
func vsConf(v ipvs.VirtualServer) snmpmib.VSConf {
	c := snmpmib.VSConf{Kind: kind(v.Forwarding.Method), IPv6: v.Family == 6, Virtualhost: v.Options().Virtualhost,
		Persistence: v.Persistence, DelayLoop: v.DelayLoop, HASuspend: v.Options().HASuspend, OPS: v.OPS, Alpha: v.Alpha,
		Omega: v.Omega, Quorum: v.Quorum, Hysteresis: v.Options().Hysteresis, Inhibit: v.InhibitOnFailure, Weight: v.Weight,
		Name: v.Options().SNMPName, Reals: map[string]snmpmib.RSConf{}}
	for _, r := range v.Reals {
		o := r.Options()
		rc := snmpmib.RSConf{Kind: c.Kind, UThreshold: r.UThreshold, LThreshold: r.LThreshold, Inhibit: c.Inhibit,
			Virtualhost: o.Virtualhost, Name: o.SNMPName}
		if r.Forwarding != nil {
			rc.Kind = kind(r.Forwarding.Method)
		}
		if r.Inhibit != nil {
			rc.Inhibit = *r.Inhibit
		}
		c.Reals[r.Addr.String()] = rc
	}
	return c
}

// kind is keepalived's LoadBalancingKind: nat(1) dr(2) tun(3).
func kind(m ipvs.Method) int {
	return map[ipvs.Method]int{ipvs.NAT: 1, ipvs.DR: 2, ipvs.TUN: 3}[m]
}
