package snmpmib

import (
	"net/netip"
	"strconv"
	"time"
)

// InstanceConf is what the configuration says of one instance that the
// status snapshot does not carry: the settings KEEPALIVED-MIB and the RFC
// tables show next to the state.
type InstanceConf struct {
	Preempt      bool
	PreemptDelay time.Duration
	// AuthType is the VRRPv2 authentication: none(0), pass(1), ah(2).
	AuthType  int
	GARPDelay time.Duration
	SMTPAlert bool
	// NotifyExec is set when any notify script is configured.
	NotifyExec    bool
	NotifyDeleted bool // notify_deleted
	Accept        bool
	// LVSSyncIf is lvs_sync_daemon's interface when it follows this
	// instance.
	LVSSyncIf string
	// Mcast is the advert group; invalid with unicast peers.
	Mcast netip.Addr
	// Src is unicast_src_ip / mcast_src_ip; invalid: the interface's own.
	Src netip.Addr
	// MACIf is the interface whose MAC the instance sends from (the
	// VMAC's when use_vmac is set).
	MACIf string
	// VIPs then the excluded VIPs, as vrrpAddressTable numbers them.
	VIPs, ExcludedVIPs []VIPConf
	Tracks             Tracks
}

// VIPConf is one virtual_ipaddress entry.
type VIPConf struct {
	Prefix netip.Prefix
	Dev    string // "" is the instance's interface
	Label  string
	Brd    string // "", "+", "-" or an address, as written
	Scope  string // as written; "" is global
	Peer   netip.Addr
}

// SyncGroupConf is a sync group's settings.
type SyncGroupConf struct {
	TrackingWeight, SMTPAlert, NotifyExec bool
	Tracks                                Tracks
}

// GlobalConf is the global_defs settings KEEPALIVED-MIB's global group
// shows.
type GlobalConf struct {
	Traps                                   bool
	SMTPAlert, SMTPAlertVRRP, SMTPAlertChkr *bool
	NetNamespace                            string
	DynamicInterfaces                       bool
	LVSFlush, LVSFlushOnStop                bool
}

// scopeCode is keepalived's code for an address scope: nowhere(0)
// host(1) link(2) site(5) global(14), unknown ones 0.
func scopeCode(s string) int {
	switch s {
	case "", "global", "universe":
		return 14
	case "host":
		return 1
	case "link":
		return 2
	case "site":
		return 5
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0 // nowhere, or a name from /etc/iproute2/rt_scopes
	}
	switch n {
	case 0:
		return 14
	case 254:
		return 1
	case 253:
		return 2
	case 200:
		return 5
	}
	return 0
}

// broadcast is an IPv4 VIP's broadcast address as the kernel sets it:
// none (0.0.0.0) unless `brd +` or an address was given.
func (v VIPConf) broadcast() [4]byte {
	switch v.Brd {
	case "+":
		a := v.Prefix.Addr().As4()
		for i := v.Prefix.Bits(); i < 32; i++ {
			a[i/8] |= 0x80 >> (i % 8)
		}
		return a
	case "", "-":
		return [4]byte{}
	}
	if a, err := netip.ParseAddr(v.Brd); err == nil && a.Is4() {
		return a.As4()
	}
	return [4]byte{}
}

// triState is keepalived's smtp_alert scalars: true(1) false(2) unset(3).
func triState(b *bool) int {
	if b == nil {
		return 3
	}
	return truth(*b)
}

// globals is KEEPALIVED-MIB's global scalars that govrrpd can answer:
// the SMTP alert switches, traps, the link watch (netlink, never
// polling), the IPVS flushes, 64-bit IPVS counters (always), the
// namespace, D-Bus (govrrpd has none) and dynamic interfaces.
func (b *builder) globals(g GlobalConf) {
	mail := func(c uint32) []uint32 { return KeepalivedGlob.Append(3, c, 0) }
	b.int(mail(8), triState(g.SMTPAlert))
	b.int(mail(9), triState(g.SMTPAlertVRRP))
	b.int(mail(10), triState(g.SMTPAlertChkr))
	scalar := func(c uint32) []uint32 { return KeepalivedGlob.Append(c, 0) }
	b.int(scalar(4), truth(g.Traps))
	b.int(scalar(5), 1)
	b.int(scalar(6), truth(g.LVSFlush))
	b.int(scalar(7), 1)
	b.str(scalar(8), g.NetNamespace)
	b.int(scalar(9), truth(false))
	b.int(scalar(10), truth(g.DynamicInterfaces))
	b.int(scalar(11), truth(g.LVSFlushOnStop))
}
