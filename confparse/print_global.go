package confparse

import (
	"bufio"
	"io"
	"strconv"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Printing of the root keywords and global_defs, and the exported Printer
// that lets other writers of keepalived.conf (the lvs.cf importer) emit
// blocks one at a time through the same canonical layout.

func init() {
	// Registered here rather than in print_vrrp.go because Go runs init
	// functions in file-name order and VRRP blocks must precede the
	// virtual servers that print_ipvs.go registers.
	printSections = append(printSections, printRoot, printGlobalDefs, printStatic,
		printTrackers, printSyncGroups, printInstances)
}

// Printer writes keepalived.conf block by block.
type Printer struct {
	p *printer
}

// NewPrinter returns a Printer writing to w; call Flush at the end.
func NewPrinter(w io.Writer) *Printer { return &Printer{p: &printer{w: bufio.NewWriter(w)}} }

// Comment writes a "# text" line. At top level it belongs to the block
// that follows, so the blank line separating blocks goes before it.
func (pr *Printer) Comment(text string) {
	if pr.p.depth == 0 && pr.p.blank {
		pr.p.w.WriteByte('\n')
		pr.p.blank = false
	}
	pr.p.comment(text)
}

// Blank writes an empty line; the next block then adds none of its own.
func (pr *Printer) Blank() {
	pr.p.w.WriteByte('\n')
	pr.p.blank = false
}

// GlobalDefs writes the root keywords and global_defs of cfg.
func (pr *Printer) GlobalDefs(cfg *Config) {
	printRoot(pr.p, cfg)
	printGlobalDefs(pr.p, cfg)
}

// ExplicitTimers makes the printer write delay_loop in every
// virtual_server and connect_timeout in every checker that connects, even
// where they equal keepalived's default or the inherited value. Reading
// the text back gives the same settings; the lvs.cf importer's layout
// (mapping.md §4) shows nanny's probe interval and timeout on every
// service and checker.
func (pr *Printer) ExplicitTimers() { pr.p.explicitTimers = true }

// NewDefaultConfig returns a Config holding keepalived's defaults for an
// empty file: the starting point for code that builds a configuration
// rather than reading one, since the printer writes every setting that
// differs from keepalived's default and a zero value is rarely that.
func NewDefaultConfig() *Config { return newConfig() }

// Flush writes out everything printed so far.
func (pr *Printer) Flush() error { return pr.p.w.Flush() }

func printRoot(p *printer, c *Config) {
	if c.Global.Instance != "" {
		p.line("instance", quote(c.Global.Instance))
	}
	if c.Global.NetNamespace != "" {
		p.line("net_namespace", quote(c.Global.NetNamespace))
	}
}

// globalLines are the global_defs statements that differ from defaults,
// in canonical order.
func globalLines(c *Config) [][]string {
	var out [][]string
	add := func(w ...string) { out = append(out, w) }
	str := func(k, v string) {
		if v != "" {
			add(k, quote(v))
		}
	}
	g := c.Global
	str("router_id", g.RouterID)
	str("notification_email_from", g.NotificationEmailFrom)
	if g.SMTPServer != "" {
		if g.SMTPPort != 0 {
			add("smtp_server", g.SMTPServer, strconv.Itoa(g.SMTPPort))
		} else {
			add("smtp_server", g.SMTPServer)
		}
	}
	if g.SMTPConnectTimeout != 30 {
		add("smtp_connect_timeout", strconv.Itoa(g.SMTPConnectTimeout))
	}
	str("smtp_helo_name", g.SMTPHeloName)
	for _, b := range []struct {
		k string
		v *bool
	}{{"smtp_alert", g.SMTPAlert}, {"smtp_alert_vrrp", g.SMTPAlertVRRP}, {"smtp_alert_checker", g.SMTPAlertChecker}} {
		if b.v != nil {
			add(b.k, onOff(*b.v))
		}
	}
	if g.EnableScriptSecurity {
		add("enable_script_security")
	}
	if g.ScriptUser != "" {
		if g.ScriptGroup != "" {
			add("script_user", quote(g.ScriptUser), quote(g.ScriptGroup))
		} else {
			add("script_user", quote(g.ScriptUser))
		}
	}
	out = append(out, ipvsGlobalLines(c)...)
	str("notify_fifo", g.NotifyFIFO)
	str("lvs_notify_fifo", g.LVSNotifyFIFO)
	if g.DataUseInstance {
		add("data_use_instance")
	}
	out = append(out, snmpGlobalLines(g.SNMP)...)
	if g.Process.Nice != 0 {
		add("vrrp_priority", strconv.Itoa(g.Process.Nice))
	}
	if len(g.Process.CPUs) > 0 {
		w := []string{"vrrp_cpu_affinity"}
		for _, cpu := range g.Process.CPUs {
			w = append(w, strconv.Itoa(cpu))
		}
		add(w...)
	}
	return append(out, vrrpGlobalLines(c)...)
}

func ipvsGlobalLines(c *Config) [][]string {
	var out [][]string
	add := func(w ...string) { out = append(out, w) }
	v := c.IPVS
	if sd := v.SyncDaemon; sd != nil {
		w := []string{"lvs_sync_daemon", quote(sd.Interface)}
		if sd.Instance != "" {
			w = append(w, quote(sd.Instance))
		}
		if sd.ID >= 0 {
			w = append(w, "id", strconv.Itoa(sd.ID))
		}
		for _, o := range []struct {
			k    string
			v, d int
		}{{"maxlen", sd.MaxLen, 0}, {"port", sd.Port, 8848}, {"ttl", sd.TTL, 1}} {
			if o.v != o.d {
				w = append(w, o.k, strconv.Itoa(o.v))
			}
		}
		if sd.Group != "" {
			w = append(w, "group", sd.Group)
		}
		add(w...)
	}
	if t := v.Timeouts; t.TCP != 0 || t.TCPFin != 0 || t.UDP != 0 {
		w := []string{"lvs_timeouts"}
		for _, o := range []struct {
			k string
			d time.Duration
		}{{"tcp", t.TCP}, {"tcpfin", t.TCPFin}, {"udp", t.UDP}} {
			if o.d != 0 {
				w = append(w, o.k, strconv.Itoa(int(o.d/time.Second)))
			}
		}
		add(w...)
	}
	if v.Flush {
		add("lvs_flush")
	}
	if v.FlushOnStop {
		add("lvs_flush_on_stop")
	}
	if v.RSInitNotifies {
		add("rs_init_notifies")
	}
	return out
}

func vrrpGlobalLines(c *Config) [][]string {
	var out [][]string
	add := func(w ...string) { out = append(out, w) }
	var def Config
	globalDefaults(&def)
	g, d := c.VRRP, def.VRRP
	if g.Version != d.Version {
		add("vrrp_version", strconv.Itoa(g.Version))
	}
	if g.McastGroup4 != d.McastGroup4 {
		add("vrrp_mcast_group4", g.McastGroup4.String())
	}
	if g.McastGroup6 != d.McastGroup6 {
		add("vrrp_mcast_group6", g.McastGroup6.String())
	}
	if g.DefaultInterface != d.DefaultInterface {
		add("default_interface", quote(g.DefaultInterface))
	}
	timer := func(k string, v, dv time.Duration) {
		if v != dv {
			add(k, fmtSeconds(v))
		}
	}
	num := func(k string, v, dv int) {
		if v != dv {
			add(k, strconv.Itoa(v))
		}
	}
	timer("vrrp_garp_master_delay", g.GARP.MasterDelay, d.GARP.MasterDelay)
	num("vrrp_garp_master_repeat", g.GARP.MasterRepeat, d.GARP.MasterRepeat)
	timer("vrrp_garp_master_refresh", g.GARP.MasterRefresh, d.GARP.MasterRefresh)
	num("vrrp_garp_master_refresh_repeat", g.GARP.MasterRefreshRepeat, d.GARP.MasterRefreshRepeat)
	timer("vrrp_garp_lower_prio_delay", g.GARP.LowerPrioDelay, g.GARP.MasterDelay)
	num("vrrp_garp_lower_prio_repeat", g.GARP.LowerPrioRepeat, g.GARP.MasterRepeat)
	timer("vrrp_garp_interval", g.GARPInterval, 0)
	timer("vrrp_gna_interval", g.GNAInterval, 0)
	num("vrrp_down_timer_adverts", g.DownTimerAdverts, d.DownTimerAdverts)
	for _, f := range []struct {
		k string
		v bool
	}{{"vrrp_lower_prio_no_advert", g.LowerPrioNoAdvert},
		{"vrrp_check_unicast_src", g.CheckUnicastSrc}, {"vrrp_skip_check_adv_addr", g.SkipCheckAdvAddr},
		{"vrrp_strict", g.Strict}, {"vrrp_notify_priority_changes", g.NotifyPriorityChanges},
		{"dynamic_interfaces", g.DynamicInterfaces}, {"v3_checksum_as_v2", g.V3ChecksumAsV2},
		{"vrrp_owner_ignore_adverts", g.OwnerIgnoreAdverts}} {
		if f.v {
			add(f.k)
		}
	}
	if g.HigherPrioSendAdvert != d.HigherPrioSendAdvert {
		add("vrrp_higher_prio_send_advert", "off")
	}
	timer("vrrp_startup_delay", g.StartupDelay, 0)
	if g.NotifyFIFO.Path != "" {
		add("vrrp_notify_fifo", quote(g.NotifyFIFO.Path))
	}
	if !g.NotifyFIFO.Script.IsZero() {
		add(append([]string{"vrrp_notify_fifo_script"}, scriptWords(g.NotifyFIFO.Script)...)...)
	}
	if g.VMACPrefix != d.VMACPrefix {
		add("vmac_prefix", quote(g.VMACPrefix))
	}
	return out
}

func printGlobalDefs(p *printer, c *Config) {
	lines := globalLines(c)
	if len(lines) == 0 && len(c.Global.NotificationEmail) == 0 {
		return
	}
	p.open("global_defs")
	if len(c.Global.NotificationEmail) > 0 {
		p.open("notification_email")
		for _, e := range c.Global.NotificationEmail {
			p.line(quote(e))
		}
		p.close()
	}
	for _, l := range lines {
		p.line(l...)
	}
	p.close()
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// printStatic writes track_group blocks, then the static_ipaddress,
// static_routes and static_rules entries that may name them.
func printStatic(p *printer, c *Config) {
	for _, tg := range c.TrackGroups {
		p.open("track_group", quote(tg.Name))
		p.open("group")
		for _, m := range tg.Members {
			p.line(quote(m))
		}
		p.close()
		p.close()
	}
	if len(c.StaticAddresses) > 0 {
		p.open("static_ipaddress")
		for _, a := range c.StaticAddresses {
			p.line(addressWords(a)...)
		}
		p.close()
	}
	if len(c.StaticRoutes) > 0 {
		p.open("static_routes")
		for _, r := range c.StaticRoutes {
			p.line(quoteAll(r.Words)...)
		}
		p.close()
	}
	if len(c.StaticRules) > 0 {
		p.open("static_rules")
		for _, r := range c.StaticRules {
			p.line(quoteAll(r.Words)...)
		}
		p.close()
	}
}

func quoteAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = quote(w)
	}
	return out
}

// addressWords writes an address entry in a fixed option order.
func addressWords(a vrrp.Address) []string {
	o := a.Options()
	w := []string{a.Prefix.String()}
	if o.Brd != "" {
		w = append(w, "brd", o.Brd)
	}
	if o.Dev != "" {
		w = append(w, "dev", quote(o.Dev))
	}
	if a.UseVMAC {
		w = append(w, "use_vmac")
	}
	if o.Scope != "" {
		w = append(w, "scope", o.Scope)
	}
	if o.Label != "" {
		w = append(w, "label", quote(o.Label))
	}
	if o.Peer.IsValid() {
		w = append(w, "peer", o.Peer.String())
	}
	w = append(w, o.Flags...)
	if a.NoTrack {
		w = append(w, "no_track")
	}
	if o.Preferred != "" {
		w = append(w, "preferred_lft", o.Preferred)
	}
	if o.TrackGroup != "" {
		w = append(w, "track_group", quote(o.TrackGroup))
	}
	return w
}

func snmpGlobalLines(s SNMPDefs) [][]string {
	var out [][]string
	if s.Socket != "" {
		out = append(out, []string{"snmp_socket", quote(s.Socket)})
	}
	for _, o := range []struct {
		k  string
		on bool
	}{{"enable_snmp_vrrp", s.VRRP}, {"enable_snmp_checker", s.Checker}, {"enable_snmp_rfcv2", s.RFCv2},
		{"enable_snmp_rfcv3", s.RFCv3}, {"enable_traps", s.Traps}} {
		if o.on {
			out = append(out, []string{o.k})
		}
	}
	return out
}
