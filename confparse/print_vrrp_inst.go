package confparse

import (
	"strconv"

	"github.com/govrrpd/govrrpd/vrrp"
)

func printInstance(p *printer, c *Config, in *vrrp.Instance) {
	g := c.VRRP
	p.open("vrrp_instance", quote(in.Name))
	state := "BACKUP"
	if in.State == vrrp.WantMaster {
		state = "MASTER"
	}
	p.line("state", state)
	if in.Interface != "" {
		p.line("interface", quote(in.Interface))
	}
	p.line("virtual_router_id", strconv.Itoa(int(in.VRID)))
	p.line("priority", strconv.Itoa(int(in.Priority)))
	p.line("advert_int", fmtSeconds(in.AdvertInt))
	v6 := in.Family == vrrp.IPv6
	if v6 && len(in.VIPs) == 0 && !(in.Options().UnicastSrc.Is6() || in.Options().McastSrc.Is6()) {
		p.line("native_ipv6")
	}
	if !v6 && int(in.Version) != g.Version {
		p.line("version", strconv.Itoa(int(in.Version)))
	}
	if in.Nopreempt {
		p.line("nopreempt")
	}
	timerLine(p, "preempt_delay", in.Options().PreemptDelay, 0)
	if in.AcceptSet {
		if in.Accept {
			p.line("accept")
		} else {
			p.line("no_accept")
		}
	}
	if in.DontTrackPrimary {
		p.line("dont_track_primary")
	}
	printTransport(p, c, in)
	printAuth(p, in.Auth)
	printAuthHMAC(p, in.AuthHMAC)
	printAddrBlock(p, "virtual_ipaddress", in.VIPs)
	printAddrBlock(p, "virtual_ipaddress_excluded", in.Options().ExcludedVIPs)
	printWordsBlock(p, "virtual_routes", routeWords(in.Options().Routes))
	printWordsBlock(p, "virtual_rules", ruleWords(in.Options().Rules))
	if in.VMAC != nil {
		w := []string{"use_vmac"}
		if in.VMAC.Name != "" {
			w = append(w, quote(in.VMAC.Name))
		}
		if in.VMAC.MAC != "" {
			w = append(w, in.VMAC.MAC)
		}
		p.line(w...)
		if in.VMAC.XmitBase {
			p.line("vmac_xmit_base")
		}
	}
	printInstanceTuning(p, c, in)
	printTracking(p, in.TrackInterfaces, in.TrackScripts, in.Options().TrackFiles, in.Options().TrackProcesses, in.Options().TrackBFDs)
	nf := in.Notifies()
	printNotify(p, &nf)
	smtp := false
	if c.Global.SMTPAlertVRRP != nil {
		smtp = *c.Global.SMTPAlertVRRP
	} else if c.Global.SMTPAlert != nil {
		smtp = *c.Global.SMTPAlert
	}
	flagLine(p, "smtp_alert", in.SMTPAlert, smtp)
	flagLine(p, "notify_priority_changes", in.NotifyPriorityChanges, g.NotifyPriorityChanges)
	p.close()
}

func printTransport(p *printer, c *Config, in *vrrp.Instance) {
	if in.Options().McastSrc.IsValid() {
		p.line("mcast_src_ip", in.Options().McastSrc.String())
	}
	if in.Options().McastDst.IsValid() {
		p.line("mcast_dst_ip", in.Options().McastDst.String())
	}
	if in.Options().UnicastSrc.IsValid() {
		p.line("unicast_src_ip", in.Options().UnicastSrc.String())
	}
	if in.UnicastTTL != 255 {
		p.line("unicast_ttl", strconv.Itoa(int(in.UnicastTTL)))
	}
	flagLine(p, "check_unicast_src", in.CheckUnicastSrc, c.VRRP.CheckUnicastSrc)
	if in.UnicastFaultNoPeer {
		p.line("unicast_fault_no_peer")
	}
	if len(in.Options().UnicastPeers) == 0 {
		return
	}
	p.open("unicast_peer")
	for _, peer := range in.Options().UnicastPeers {
		w := []string{peer.Addr.String()}
		if peer.MinTTL != 0 {
			w = append(w, "min_ttl", strconv.Itoa(peer.MinTTL))
		}
		if peer.MaxTTL != 0 {
			w = append(w, "max_ttl", strconv.Itoa(peer.MaxTTL))
		}
		p.line(w...)
	}
	p.close()
}

func printAuth(p *printer, a vrrp.Auth) {
	if a.Type == vrrp.AuthNone && a.Pass == "" {
		return
	}
	p.open("authentication")
	switch a.Type {
	case vrrp.AuthPass:
		p.line("auth_type", "PASS")
	case vrrp.AuthAH:
		p.line("auth_type", "AH")
	}
	switch {
	case a.Pass != "" && p.maskSecrets:
		p.line("auth_pass", maskedKey)
	case a.Pass != "":
		p.line("auth_pass", quote(a.Pass))
	}
	p.close()
}

func printAddrBlock(p *printer, key string, as []vrrp.Address) {
	if len(as) == 0 {
		return
	}
	p.open(key)
	for _, a := range as {
		p.line(addressWords(a)...)
	}
	p.close()
}

func routeWords(rs []vrrp.Route) [][]string {
	out := make([][]string, len(rs))
	for i, r := range rs {
		out[i] = r.Words
	}
	return out
}

func ruleWords(rs []vrrp.Rule) [][]string {
	out := make([][]string, len(rs))
	for i, r := range rs {
		out[i] = r.Words
	}
	return out
}

func printWordsBlock(p *printer, key string, lines [][]string) {
	if len(lines) == 0 {
		return
	}
	p.open(key)
	for _, l := range lines {
		p.line(quoteAll(l)...)
	}
	p.close()
}

// printInstanceTuning writes the per-instance overrides of vrrp_ globals.
// Values strict mode forces are not written: reading them back under
// strict mode gives them again.
func printInstanceTuning(p *printer, c *Config, in *vrrp.Instance) {
	g := c.VRRP
	gg := g.GARP
	timerLine(p, "garp_master_delay", in.GARP.MasterDelay, gg.MasterDelay)
	numLine(p, "garp_master_repeat", in.GARP.MasterRepeat, gg.MasterRepeat)
	timerLine(p, "garp_master_refresh", in.GARP.MasterRefresh, gg.MasterRefresh)
	numLine(p, "garp_master_refresh_repeat", in.GARP.MasterRefreshRepeat, gg.MasterRefreshRepeat)
	lowDelay, lowRepeat := in.GARP.MasterDelay, in.GARP.MasterRepeat
	if gg.LowerPrioDelay != gg.MasterDelay {
		lowDelay = gg.LowerPrioDelay
	}
	if gg.LowerPrioRepeat != gg.MasterRepeat {
		lowRepeat = gg.LowerPrioRepeat
	}
	timerLine(p, "garp_lower_prio_delay", in.GARP.LowerPrioDelay, lowDelay)
	numLine(p, "garp_lower_prio_repeat", in.GARP.LowerPrioRepeat, lowRepeat)
	numLine(p, "down_timer_adverts", int(in.DownTimerAdverts), g.DownTimerAdverts)
	flagLine(p, "strict_mode", in.Strict, g.Strict)
	if !in.Strict {
		flagLine(p, "lower_prio_no_advert", in.LowerPrioNoAdvert, g.LowerPrioNoAdvert)
		flagLine(p, "higher_prio_send_advert", in.HigherPrioSendAdvert, g.HigherPrioSendAdvert)
		flagLine(p, "owner_ignore_adverts", in.OwnerIgnoreAdverts, g.OwnerIgnoreAdverts)
	}
	flagLine(p, "skip_check_adv_addr", in.SkipCheckAdvAddr, g.SkipCheckAdvAddr)
	flagLine(p, "v3_checksum_as_v2", in.V3ChecksumAsV2, g.V3ChecksumAsV2)
}

func numLine(p *printer, k string, v, def int) {
	if v != def {
		p.line(k, strconv.Itoa(v))
	}
}
