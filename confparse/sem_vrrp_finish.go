package confparse

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Completion of VRRP instances once the whole file is read, in keepalived's
// order: global defaults, state/priority interplay, authentication, strict
// mode, preemption, advert interval, then cross-instance checks.

func (ld *vrrpLoad) finish(a *analyzer) {
	g := &a.cfg.VRRP
	if !ld.gLowerDelaySet {
		g.GARP.LowerPrioDelay = g.GARP.MasterDelay
	}
	if !ld.gLowerRepeatSet {
		g.GARP.LowerPrioRepeat = g.GARP.MasterRepeat
	}
	var kept []*instB
	for _, b := range ld.insts {
		if ld.complete(a, b) {
			kept = append(kept, b)
		}
	}
	ld.insts = kept
	ld.checkScripts(a)
	a.cfg.SyncGroups = ld.resolveGroups(a)
	ld.checkDuplicateVRIDs(a)
	ld.checkTrackGroups(a)
	// The instances' VIPs go into one array, each instance's a full
	// slice of it: one allocation instead of one per instance left among
	// the parse's garbage (part-used spans the heap keeps), and no room
	// to spare from append's growth (issue #12).
	a.cfg.Instances = make([]vrrp.Instance, len(ld.insts))
	n := 0
	for _, b := range ld.insts {
		n += len(b.VIPs)
	}
	vips := make([]vrrp.Address, 0, n)
	for i, b := range ld.insts {
		if b.Notify != nil && b.Notify.IsZero() {
			b.Notify = nil // every command was refused
		}
		b.TrimOpts() // a keyword reset to its default leaves none set
		if len(b.VIPs) > 0 {
			k := len(vips)
			vips = append(vips, b.VIPs...)
			b.VIPs = vips[k:len(vips):len(vips)]
		}
		a.cfg.Instances[i] = b.Instance
	}
	packInstanceStrings(a.cfg.Instances)
}

// complete applies defaults and corrections to one instance; false drops it.
func (ld *vrrpLoad) complete(a *analyzer, b *instB) bool {
	if !b.set["vrid"] {
		a.warnf(b.pos, "(%s) the virtual router id must be set", b.Name)
		return false
	}
	ld.inherit(a, b)
	if !b.set["priority"] && b.State == vrrp.WantMaster {
		b.Priority = 255
	}
	if !b.set["state"] && b.Priority == 255 {
		b.State = vrrp.WantMaster
	}
	if b.Family == 0 {
		b.Family = vrrp.IPv4
		if o := b.Options(); o.UnicastSrc.Is6() || o.McastSrc.Is6() {
			b.Family = vrrp.IPv6
		}
	}
	if b.Family == vrrp.IPv6 {
		b.Version = 3
	}
	completeAuth(a, b)
	if b.Strict {
		applyStrict(a, b)
	} else if !b.AcceptSet {
		b.Accept = true
	}
	if b.set["vmac_implicit"] {
		// vmac_xmit_base without use_vmac: keepalived makes no VMAC.
		a.warnf(b.pos, "(%s) vmac_xmit_base is only valid with a vmac", b.Name)
		b.VMAC = nil
	}
	if b.VMAC != nil && len(b.Options().UnicastPeers) > 0 && !b.VMAC.XmitBase && !b.Strict {
		a.warnf(b.pos, "(%s) unicast with use_vmac requires vmac_xmit_base - setting", b.Name)
		b.VMAC.XmitBase = true
	}
	completePreempt(a, b)
	completeAdvert(a, b)
	completeInterfaces(a, b)
	if b.set["unicast"] && len(b.Options().UnicastPeers) == 0 && !b.UnicastFaultNoPeer {
		// keepalived still runs such an instance on multicast.
		a.warnf(b.pos, "(%s) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. "+
			"This usage is deprecated - please update your configuration.", b.Name)
	}
	if b.Priority == 255 {
		ld.dropWeighted(a, b, "address_owner")
	}
	switch {
	case len(b.VIPs) > 0:
	case b.Version == 3 || b.Strict:
		// keepalived then refuses to run the instance at all.
		a.warnf(b.pos, "(%s) No VIP specified; at least one is required", b.Name)
	default:
		a.warnf(b.pos, "(%s) No VIP specified; at least one is sensible", b.Name)
	}
	return true
}

// inherit copies global_defs values into keywords the instance left unset.
func (ld *vrrpLoad) inherit(a *analyzer, b *instB) {
	g := a.cfg.VRRP
	inh := func(key string, dst *bool, v bool) {
		if !b.set[key] {
			*dst = v
		}
	}
	if !b.set["version"] {
		b.Version = uint8(g.Version)
	}
	inh("strict_mode", &b.Strict, g.Strict)
	inh("lower_prio_no_advert", &b.LowerPrioNoAdvert, g.LowerPrioNoAdvert)
	inh("higher_prio_send_advert", &b.HigherPrioSendAdvert, g.HigherPrioSendAdvert)
	inh("skip_check_adv_addr", &b.SkipCheckAdvAddr, g.SkipCheckAdvAddr)
	inh("check_unicast_src", &b.CheckUnicastSrc, g.CheckUnicastSrc)
	inh("notify_priority_changes", &b.NotifyPriorityChanges, g.NotifyPriorityChanges)
	inh("v3_checksum_as_v2", &b.V3ChecksumAsV2, g.V3ChecksumAsV2)
	if !b.set["smtp_alert"] {
		gd := a.cfg.Global
		switch {
		case gd.SMTPAlertVRRP != nil:
			b.SMTPAlert = *gd.SMTPAlertVRRP
		case gd.SMTPAlert != nil:
			b.SMTPAlert = *gd.SMTPAlert
		}
	}
	if !b.set["down_timer_adverts"] {
		b.DownTimerAdverts = uint8(g.DownTimerAdverts)
	}
	b.GARP = instanceGARP(b.GARP, b.set, g.GARP, ld.gLowerDelaySet, ld.gLowerRepeatSet)
}

// instanceGARP merges an instance's garp_* keywords with the globals. The
// lower-priority pacing follows the instance's own master pacing unless a
// lower-priority value was given somewhere.
func instanceGARP(in vrrp.GARP, set map[string]bool, g vrrp.GARP, gLowerDelay, gLowerRepeat bool) vrrp.GARP {
	out := g
	if set["garp_master_delay"] {
		out.MasterDelay = in.MasterDelay
	}
	if set["garp_master_repeat"] {
		out.MasterRepeat = in.MasterRepeat
	}
	if set["garp_master_refresh"] {
		out.MasterRefresh = in.MasterRefresh
	}
	if set["garp_master_refresh_repeat"] {
		out.MasterRefreshRepeat = in.MasterRefreshRepeat
	}
	switch {
	case set["garp_lower_prio_delay"]:
		out.LowerPrioDelay = in.LowerPrioDelay
	case !gLowerDelay:
		out.LowerPrioDelay = out.MasterDelay
	}
	switch {
	case set["garp_lower_prio_repeat"]:
		out.LowerPrioRepeat = in.LowerPrioRepeat
	case !gLowerRepeat:
		out.LowerPrioRepeat = out.MasterRepeat
	}
	return out
}

func completeAuth(a *analyzer, b *instB) {
	if b.Auth.Type == vrrp.AuthAH && b.State == vrrp.WantMaster && b.Priority != 255 {
		a.warnf(b.pos, "(%s) Initial state master is incompatible with AH authentication - clearing", b.Name)
		b.State = vrrp.WantBackup
	}
	if b.Auth.Type != vrrp.AuthNone && b.Version == 3 {
		a.warnf(b.pos, "(%s) VRRP version 3 does not support authentication. Ignoring.", b.Name)
		b.Auth = vrrp.Auth{}
	}
	if b.Auth.Type == vrrp.AuthAH && !b.Strict {
		a.warnf(b.pos, "(%s) AH authentication is not supported by govrrpd; adverts would not interoperate", b.Name)
	}
	completeNewer(a, b)
}

// applyStrict is vrrp_strict / strict_mode: each RFC violation is
// corrected with a warning, as keepalived does.
func applyStrict(a *analyzer, b *instB) {
	w := func(format string) { a.warnf(b.pos, format, b.Name) }
	if b.State == vrrp.WantMaster && b.Priority != 255 {
		w("(%s) State MASTER must match being address owner")
		b.State = vrrp.WantBackup
	}
	if b.Auth.Type != vrrp.AuthNone {
		w("(%s) Strict mode does not support authentication. Ignoring.")
		b.Auth = vrrp.Auth{}
	}
	if b.Options().PreemptDelay != 0 {
		w("(%s) preempt_delay is incompatible with strict mode - resetting")
		b.Opts.PreemptDelay = 0
	}
	if b.DownTimerAdverts != 3 {
		w("(%s) down_timer_adverts is incompatible with strict mode - resetting")
		b.DownTimerAdverts = 3
	}
	if b.AcceptSet && b.Accept && b.Version == 2 && b.Priority != 255 {
		w("(%s) warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting")
		b.Accept = false
	}
	if !b.AcceptSet {
		b.Accept = b.Priority == 255
	}
	if b.set["garp_lower_prio_repeat"] && b.GARP.LowerPrioRepeat != 0 {
		w("(%s) Strict mode requires no repeat garps. resetting")
		b.GARP.LowerPrioRepeat = 0
	}
	if b.HigherPrioSendAdvert {
		// govrrpd's default is on; only an explicit setting is worth a
		// warning, as in keepalived where the default is off.
		if b.set["higher_prio_send_advert"] {
			w("(%s) strict mode requires higher_prio_send_advert to be clear. resetting")
		}
		b.HigherPrioSendAdvert = false
	}
	if b.VMAC != nil && b.VMAC.XmitBase {
		w("(%s) xmit_base is incompatible with strict mode - resetting")
		b.VMAC.XmitBase = false
	}
	b.LowerPrioNoAdvert = true
	b.OwnerIgnoreAdverts = true
}

func completePreempt(a *analyzer, b *instB) {
	switch {
	case b.Nopreempt && b.Priority == 255:
		a.warnf(b.pos, "(%s) nopreempt is incompatible with priority 255. resetting nopreempt", b.Name)
		b.Nopreempt = false
	case b.Nopreempt && b.State == vrrp.WantMaster:
		a.warnf(b.pos, "(%s) Warning - nopreempt will not work with initial state MASTER - clearing", b.Name)
		b.Nopreempt = false
	}
	if b.Options().PreemptDelay == 0 {
		return
	}
	switch {
	case b.State == vrrp.WantMaster:
		a.warnf(b.pos, "(%s) Warning - preempt delay will not work with initial state MASTER - clearing", b.Name)
		b.Opts.PreemptDelay = 0
	case b.Nopreempt:
		a.warnf(b.pos, "(%s) preempt_delay is incompatible with nopreempt mode - resetting", b.Name)
		b.Opts.PreemptDelay = 0
	}
}

// completeAdvert applies the advert_int rules: whole seconds for v2,
// centiseconds up to 40.95 s for v3.
func completeAdvert(a *analyzer, b *instB) {
	d := b.AdvertInt
	secs := fmt.Sprintf("%fs", d.Seconds())
	if b.Version == 2 {
		if d%time.Second != 0 {
			a.warnf(b.pos, "(%s) VRRPv2 advertisement interval %s must be an integer. rounding", b.Name, secs)
			d = (d + time.Second/2) / time.Second * time.Second
		}
		b.AdvertInt = max(d, time.Second)
		return
	}
	const cs = 10 * time.Millisecond
	if d > 4095*cs {
		a.warnf(b.pos, "(%s) VRRPv3 advertisement interval %.2fs is out of range. Must be less than 40.96s. Setting to 40.95s", b.Name, d.Seconds())
		d = 4095 * cs
	}
	if d%cs != 0 {
		a.warnf(b.pos, "(%s) VRRPv3 advertisement interval %s must be in units of 10ms - rounding", b.Name, secs)
		d = (d + cs/2) / cs * cs
	}
	b.AdvertInt = max(d, cs)
}

func completeInterfaces(a *analyzer, b *instB) {
	if b.Interface == "" {
		// keepalived 2.2.7 says so with unicast peers too (measured).
		a.warnf(b.pos, "(%s) Unknown interface!", b.Name)
	}
	ifPos := b.ifPos
	if ifPos.Line == 0 {
		ifPos = b.pos
	}
	a.checkIf(ifPos, b.Interface, "interface %s for vrrp_instance %s doesn't exist", b.Interface, b.Name)
	kept := b.TrackInterfaces[:0]
	for _, t := range b.TrackInterfaces {
		if t.Name == b.Interface {
			a.warnf(b.pos, "(%s) Ignoring track_interface %s since own interface", b.Name, t.Name)
			continue
		}
		kept = append(kept, t)
	}
	b.TrackInterfaces = kept
}

// checkDuplicateVRIDs rejects two instances that would answer the same
// adverts, as keepalived does: multicast on the same interface, family,
// VRID and group; or unicast with the same VRID, the same local address
// and a peer in common. keepalived also takes an interface's own address
// as the local one; that depends on the host, so only configured
// unicast_src_ip addresses are compared here.
func (ld *vrrpLoad) checkDuplicateVRIDs(a *analyzer) {
	for i, x := range ld.insts {
		for _, y := range ld.insts[i+1:] {
			if x.VRID != y.VRID || x.Family != y.Family || (len(x.Options().UnicastPeers) == 0) != (len(y.Options().UnicastPeers) == 0) {
				continue
			}
			if len(x.Options().UnicastPeers) > 0 {
				if (x.Interface == y.Interface || x.Interface == "" || y.Interface == "") && x.Options().UnicastSrc.IsValid() &&
					x.Options().UnicastSrc == y.Options().UnicastSrc && peersOverlap(x.Options().UnicastPeers, y.Options().UnicastPeers) {
					a.warnf(y.pos, "(%s) duplicate VRID conflict with %s VRID %d", x.Name, y.Name, x.VRID)
				}
				continue
			}
			if x.Interface == y.Interface && mcastGroupOf(a, x) == mcastGroupOf(a, y) {
				a.warnf(y.pos, "%s and %s both use VRID %d with IPv%d on interface %s", x.Name, y.Name, x.VRID, x.Family, x.Interface)
			}
		}
	}
}

// mcastGroupOf is the group an instance sends to: its own or the global one.
func mcastGroupOf(a *analyzer, b *instB) netip.Addr {
	switch {
	case b.Options().McastDst.IsValid():
		return b.Options().McastDst
	case b.Family == vrrp.IPv6:
		return a.cfg.VRRP.McastGroup6
	}
	return a.cfg.VRRP.McastGroup4
}

func peersOverlap(p, q []vrrp.Peer) bool {
	for _, x := range p {
		for _, y := range q {
			if x.Addr == y.Addr {
				return true
			}
		}
	}
	return false
}
