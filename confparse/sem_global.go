package confparse

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Root keywords and global_defs. keepalived applies global_defs to
// instances only when the whole file has been read, so the vrrp_ defaults
// here are copied into instances by the VRRP finisher, never at parse time.

func init() {
	topLevel["global_defs"] = func(a *analyzer, n *Node, c *Config) {
		body := *n
		body.Children = a.openValueBlocks(n.Children, globalValueBlocks)
		children(a, &body, globalTable, c, "global_defs")
	}
	topLevel["instance"] = func(a *analyzer, n *Node, c *Config) {
		if s, ok := a.arg(n, 0); ok {
			c.Global.Instance = s
		}
	}
	topLevel["net_namespace"] = func(a *analyzer, n *Node, c *Config) {
		if s, ok := a.arg(n, 0); ok {
			c.Global.NetNamespace, a.netnsPos = s, n.Pos
		}
	}
	for _, k := range []string{"net_namespace_ipvs", "namespace_with_ipsets", "use_pid_dir", "linkbeat_use_polling"} {
		topLevel[k] = notYet[*Config]
	}
	topLevel["child_wait_time"] = ignored[*Config]
	defaultsHooks = append(defaultsHooks, globalDefaults)
}

// globalDefaults are keepalived 2.2.7's values for an empty global_defs.
// Host-derived defaults (router_id, notification_email_from, smtp_helo_name)
// stay empty here and are resolved by the daemon, so a Config does not
// depend on the machine that read it.
func globalDefaults(c *Config) {
	c.Global.SMTPConnectTimeout = 30
	c.VRRP = vrrp.Globals{
		Version:          2,
		McastGroup4:      netip.MustParseAddr("224.0.0.18"),
		McastGroup6:      netip.MustParseAddr("ff02::12"),
		DefaultInterface: "eth0",
		GARP: vrrp.GARP{
			MasterDelay: 5 * time.Second, MasterRepeat: 5, MasterRefreshRepeat: 1,
			LowerPrioDelay: 5 * time.Second, LowerPrioRepeat: 5,
		},
		DownTimerAdverts: 3,
		VMACPrefix:       "vrrp",
		// Deliberate deviation from keepalived (default off): a master
		// that yields to a higher priority sends one last advert, so the
		// new master answers it with its GARP burst. Without it a healed
		// partition can leave clients on the old master's MAC for seconds
		// (notes/lab.md). `vrrp_higher_prio_send_advert off` restores
		// keepalived's behaviour; strict mode turns it off.
		HigherPrioSendAdvert: true,
	}
}

// globalValueBlocks are the global_defs keywords keepalived reads with
// alloc_value_block (see sem_valueblock.go).
var globalValueBlocks = map[string]bool{"notification_email": true}

// gh builds a global_defs handler from a setter.
type gh = handler[*Config]

var globalTable = table[*Config]{
	"router_id":               gString(func(c *Config) *string { return &c.Global.RouterID }),
	"notification_email_from": gString(func(c *Config) *string { return &c.Global.NotificationEmailFrom }),
	"smtp_helo_name":          gString(func(c *Config) *string { return &c.Global.SMTPHeloName }),
	"default_interface":       gString(func(c *Config) *string { return &c.VRRP.DefaultInterface }),
	"vmac_prefix":             gString(func(c *Config) *string { return &c.VRRP.VMACPrefix }),
	"notification_email": func(a *analyzer, n *Node, c *Config) {
		for _, ch := range n.Children {
			c.Global.NotificationEmail = append(c.Global.NotificationEmail, ch.Key)
			for _, w := range ch.Args {
				c.Global.NotificationEmail = append(c.Global.NotificationEmail, w.Text)
			}
		}
	},
	"smtp_server": smtpServer,
	"smtp_connect_timeout": func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.argInt(n, 0, 0, kaMaxSecs); ok {
			c.Global.SMTPConnectTimeout = atLeastOne(a, n, "smtp_conect_timeout", v) // keepalived's spelling
		}
	},
	"smtp_alert":         gBoolPtr(func(c *Config) **bool { return &c.Global.SMTPAlert }),
	"smtp_alert_vrrp":    gBoolPtr(func(c *Config) **bool { return &c.Global.SMTPAlertVRRP }),
	"smtp_alert_checker": gBoolPtr(func(c *Config) **bool { return &c.Global.SMTPAlertChecker }),
	"script_user":        scriptUser,
	"enable_script_security": func(a *analyzer, n *Node, c *Config) {
		c.Global.EnableScriptSecurity = true
		c.VRRP.EnableScriptSecurity = true
	},
	"data_use_instance": gBool(func(c *Config) *bool { return &c.Global.DataUseInstance }),
	"vrrp_priority": func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.argInt(n, 0, -20, 19); ok {
			c.Global.Process.Nice = v
		}
	},
	"vrrp_cpu_affinity": vrrpCPUAffinity,
	"notify_fifo": func(a *analyzer, n *Node, c *Config) {
		if s, ok := a.arg(n, 0); ok {
			c.Global.NotifyFIFO = s
		}
	},
	"lvs_notify_fifo": func(a *analyzer, n *Node, c *Config) {
		if s, ok := a.arg(n, 0); ok {
			c.Global.LVSNotifyFIFO = s
		}
	},
	"vrrp_notify_fifo": func(a *analyzer, n *Node, c *Config) {
		if s, ok := a.arg(n, 0); ok {
			c.VRRP.NotifyFIFO.Path = s
		}
	},
	"vrrp_notify_fifo_script": func(a *analyzer, n *Node, c *Config) {
		if s, ok := a.script(n); ok {
			c.VRRP.NotifyFIFO.Script = s
		}
	},
	"vrrp_notify_priority_changes": gBool(func(c *Config) *bool { return &c.VRRP.NotifyPriorityChanges }),
	"vrrp_version":                 gInt(2, 3, func(c *Config) *int { return &c.VRRP.Version }),
	"vrrp_mcast_group4":            mcastGroup(4),
	"vrrp_mcast_group6":            mcastGroup(6),
	"vrrp_garp_master_delay":       gSecs(0, kaMaxSecs, func(c *Config) *time.Duration { return &c.VRRP.GARP.MasterDelay }),
	"vrrp_garp_master_repeat": func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.argInt(n, 0, 0, kaUintMax); ok {
			c.VRRP.GARP.MasterRepeat = atLeastOne(a, n, n.Key, v)
		}
	},
	"vrrp_garp_master_refresh": gSecs(0, kaUintMax, func(c *Config) *time.Duration { return &c.VRRP.GARP.MasterRefresh }),
	"vrrp_garp_master_refresh_repeat": gInt(0, kaUintMax,
		func(c *Config) *int { return &c.VRRP.GARP.MasterRefreshRepeat }),
	"vrrp_garp_lower_prio_delay": func(a *analyzer, n *Node, c *Config) {
		if d, ok := a.argSeconds(n, 0, 0, kaMaxSecs); ok {
			c.VRRP.GARP.LowerPrioDelay = d
			vrrpOf(a).gLowerDelaySet = true
		}
	},
	"vrrp_garp_lower_prio_repeat": func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.argInt(n, 0, 0, kaIntMax); ok {
			c.VRRP.GARP.LowerPrioRepeat = v
			vrrpOf(a).gLowerRepeatSet = true
		}
	},
	"vrrp_garp_interval": gTimer(time.Microsecond, 4294967295*time.Microsecond,
		func(c *Config) *time.Duration { return &c.VRRP.GARPInterval }),
	"vrrp_gna_interval": gTimer(time.Microsecond, 4294967295*time.Microsecond,
		func(c *Config) *time.Duration { return &c.VRRP.GNAInterval }),
	"vrrp_min_garp": func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.boolArg(n, 0); v && ok {
			c.VRRP.GARP.MasterRepeat, c.VRRP.GARP.MasterDelay = 1, 0
			c.VRRP.GARP.MasterRefreshRepeat, c.VRRP.GARP.MasterRefresh = 1, 0
			c.VRRP.GARP.LowerPrioRepeat, c.VRRP.GARP.LowerPrioDelay = 1, 0
			vrrpOf(a).gLowerDelaySet, vrrpOf(a).gLowerRepeatSet = true, true
		}
	},
	"vrrp_down_timer_adverts":      gInt(1, 100, func(c *Config) *int { return &c.VRRP.DownTimerAdverts }),
	"vrrp_lower_prio_no_advert":    gBool(func(c *Config) *bool { return &c.VRRP.LowerPrioNoAdvert }),
	"vrrp_higher_prio_send_advert": gBool(func(c *Config) *bool { return &c.VRRP.HigherPrioSendAdvert }),
	"vrrp_check_unicast_src": func(a *analyzer, n *Node, c *Config) {
		noValue(a, n)
		c.VRRP.CheckUnicastSrc = true
	},
	"vrrp_skip_check_adv_addr": gBool(func(c *Config) *bool { return &c.VRRP.SkipCheckAdvAddr }),
	"vrrp_strict":              gBool(func(c *Config) *bool { return &c.VRRP.Strict }),
	"vrrp_startup_delay":       gTimer(time.Millisecond, kaUintMax*time.Microsecond, func(c *Config) *time.Duration { return &c.VRRP.StartupDelay }),
	"dynamic_interfaces": func(a *analyzer, n *Node, c *Config) {
		c.VRRP.DynamicInterfaces = true
		if len(n.Args) > 0 && n.Args[0].Text != "allow_if_changes" {
			a.warnf(n.Pos, "dynamic_interfaces: unknown option '%s'", n.Args[0].Text)
		}
	},
	"lvs_timeouts":      lvsTimeouts,
	"lvs_flush":         func(a *analyzer, n *Node, c *Config) { c.IPVS.Flush = true },
	"lvs_flush_on_stop": lvsFlushOnStop,
	// keepalived 2.2.7 takes the old spelling without a word: a note,
	// not a warning, so that -t passes as keepalived's does.
	"lvs_flush_onstop": func(a *analyzer, n *Node, c *Config) {
		// keepalived accepts the old spelling without a word.
		a.infof(n.Pos, "'lvs_flush_onstop' is deprecated - please use 'lvs_flush_on_stop'")
		lvsFlushOnStop(a, n, c)
	},
	"rs_init_notifies": func(a *analyzer, n *Node, c *Config) { c.IPVS.RSInitNotifies = true },
	"lvs_sync_daemon":  lvsSyncDaemon,
	"snmp_socket":      snmpSocket,
	"enable_traps":     func(a *analyzer, n *Node, c *Config) { c.Global.SNMP.Traps = true },
	"enable_snmp_vrrp": func(a *analyzer, n *Node, c *Config) { c.Global.SNMP.VRRP = true },
	"enable_snmp_keepalived": func(a *analyzer, n *Node, c *Config) {
		// keepalived accepts the old name silently: a note, so -t stays 0.
		a.infof(n.Pos, "'enable_snmp_keepalived' is deprecated - please use 'enable_snmp_vrrp'")
		c.Global.SNMP.VRRP = true
	},
	"enable_snmp_checker": func(a *analyzer, n *Node, c *Config) { c.Global.SNMP.Checker = true },
	"enable_snmp_rfc":     func(a *analyzer, n *Node, c *Config) { c.Global.SNMP.RFCv2, c.Global.SNMP.RFCv3 = true, true },
	"enable_snmp_rfcv2":   func(a *analyzer, n *Node, c *Config) { c.Global.SNMP.RFCv2 = true },
	"enable_snmp_rfcv3":   func(a *analyzer, n *Node, c *Config) { c.Global.SNMP.RFCv3 = true },
}

func init() {
	// Accepted by keepalived 2.2.7 and implemented later in govrrpd:
	// each one is a warning at -t.
	for _, k := range strings.Fields(`no_email_faults no_checker_emails checker_log_all_failures
		startup_script startup_script_timeout shutdown_script shutdown_script_timeout
		notify_fifo_script lvs_notify_fifo_script fifo_write_vrrp_states_on_reload
		vrrp_garp_extra_if vrrp_vmac_garp_intvl vrrp_iptables vrrp_ipsets nftables
		nftables_priority nftables_counters nftables_ifindex nftables_ipvs
		nftables_ipvs_priority nftables_ipvs_start_fwmark log_unknown_vrids
		vmac_addr_prefix disable_local_igmp tmp_config_directory config_save_dir
		reload_check_config reload_time_file reload_repeat reload_file include_check
		random_seed vrrp_rt_priority vrrp_no_swap vrrp_rlimit_rttime vrrp_rlimit_rtime`) {
		globalTable[k] = notYet[*Config]
	}
	// Tuning of keepalived's child processes and DBus: no meaning
	// for one Go process, reported at Info.
	for _, k := range strings.Fields(`process_names process_name vrrp_process_name
		checker_process_name lvs_process_name bfd_process_name
		checker_priority bfd_priority checker_no_swap bfd_no_swap
		checker_rt_priority bfd_rt_priority
		checker_cpu_affinity bfd_cpu_affinity checker_rlimit_rttime
		bfd_rlimit_rttime checker_rlimit_rtime bfd_rlimit_rtime
		max_auto_priority min_auto_priority_delay umask enable_dbus dbus_service_name
		vrrp_rx_bufs_policy vrrp_rx_bufs_multiplier vrrp_netlink_cmd_rcv_bufs
		vrrp_netlink_cmd_rcv_bufs_force vrrp_netlink_monitor_rcv_bufs
		vrrp_netlink_monitor_rcv_bufs_force lvs_netlink_cmd_rcv_bufs
		lvs_netlink_cmd_rcv_bufs_force lvs_netlink_monitor_rcv_bufs
		lvs_netlink_monitor_rcv_bufs_force process_monitor_rcv_bufs
		process_monitor_rcv_bufs_force`) {
		globalTable[k] = ignored[*Config]
	}
}

// vrrpCPUAffinity reads the CPUs of vrrp_cpu_affinity. keepalived also
// refuses a CPU the machine does not have; that depends on the machine
// that runs the file, so the daemon checks it when it applies the set.
// As in keepalived, one bad entry drops the whole set.
func vrrpCPUAffinity(a *analyzer, n *Node, c *Config) {
	if len(n.Args) == 0 {
		a.warnf(n.Pos, "No vrrp cpu_id set specified")
		return
	}
	var cpus []int
	for _, w := range n.Args {
		v, err := strconv.Atoi(w.Text)
		if err != nil || v < 0 || v > maxCPU {
			a.warnf(n.Pos, "Invalid cpu_id:%s specified for vrrp process", w.Text)
			return
		}
		cpus = append(cpus, v)
	}
	c.Global.Process.CPUs = cpus
}

// maxCPU is the largest CPU number a cpu_set_t holds.
const maxCPU = 1023

// atLeastOne is keepalived's correction of a 0 where it needs 1.
func atLeastOne(a *analyzer, n *Node, name string, v int) int {
	if v == 0 {
		a.warnf(n.Pos, "%s must be greater than 0, setting to 1", name)
		return 1
	}
	return v
}

func gString(f func(*Config) *string) gh {
	return func(a *analyzer, n *Node, c *Config) {
		if s, ok := a.arg(n, 0); ok {
			*f(c) = s
		}
	}
}

func gInt(lo, hi int, f func(*Config) *int) gh {
	return func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.argInt(n, 0, lo, hi); ok {
			*f(c) = v
		}
	}
}

func gTimer(lo, hi time.Duration, f func(*Config) *time.Duration) gh {
	return func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.argTimer(n, 0, lo, hi); ok {
			*f(c) = v
		}
	}
}

// gBool and gBoolPtr leave the setting as it was on an invalid word, as
// keepalived's handlers do.
func gBool(f func(*Config) *bool) gh {
	return func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.boolArg(n, 0); ok {
			*f(c) = v
		}
	}
}

func gBoolPtr(f func(*Config) **bool) gh {
	return func(a *analyzer, n *Node, c *Config) {
		if v, ok := a.boolArg(n, 0); ok {
			*f(c) = &v
		}
	}
}

func smtpServer(a *analyzer, n *Node, c *Config) {
	s, ok := a.arg(n, 0)
	if !ok {
		return
	}
	c.Global.SMTPServer, c.Global.SMTPPort = s, 0
	if len(n.Args) > 1 {
		p, ok := a.argInt(n, 1, 1, 65535)
		if !ok {
			// keepalived is left with no SMTP server at all.
			a.warnf(n.Pos, "Invalid smtp server %s %s", s, n.Args[1].Text)
			c.Global.SMTPServer = ""
			return
		}
		c.Global.SMTPPort = p
	}
}

// snmpSocket reads `snmp_socket SOCKET`: as keepalived, the first one set
// stays, and a line with more words is ignored.
func snmpSocket(a *analyzer, n *Node, c *Config) {
	if len(n.Args) == 0 {
		a.warnf(n.Pos, "SNMP error : snmp socket name missing")
		return
	}
	s := n.Args[0].Text
	switch {
	case len(n.Args) > 1:
		a.warnf(n.Pos, "Too many parameters specified for snmp_socket - ignoring")
	case c.Global.SNMP.Socket != "":
		a.warnf(n.Pos, "SNMP socket already set to %s - ignoring", c.Global.SNMP.Socket)
	default:
		c.Global.SNMP.Socket = s
	}
}

// scriptUser reads `script_user USER [[:]GROUP]`.
func scriptUser(a *analyzer, n *Node, c *Config) {
	u, ok := a.arg(n, 0)
	if !ok {
		return
	}
	g := ""
	if i := strings.IndexByte(u, ':'); i >= 0 {
		u, g = u[:i], u[i+1:]
	} else if len(n.Args) > 1 {
		g = n.Args[1].Text // keepalived looks up ":GROUP" as written, and fails
	}
	c.Global.ScriptUser, c.Global.ScriptGroup = u, g
	c.VRRP.ScriptUser, c.VRRP.ScriptGroup = u, g
	// keepalived resolves the names here; every script left to the
	// default user is then removed (see checkScripts).
	if _, err := lookupRunAs(u, g); err != nil {
		a.warnf(n.Pos, "Error setting global script uid/gid (%v)", err)
	}
}

func mcastGroup(family int) gh {
	return func(a *analyzer, n *Node, c *Config) {
		ip, ok := a.argAddr(n, 0)
		if !ok {
			return
		}
		if (family == 4) != ip.Is4() || !ip.IsMulticast() {
			a.warnf(n.Pos, "%s: '%s' is not an IPv%d multicast address - ignoring", n.Key, ip, family)
			return
		}
		if family == 4 {
			c.VRRP.McastGroup4 = ip
		} else {
			c.VRRP.McastGroup6 = ip
		}
	}
}

// lvsTimeouts reads `lvs_timeouts [tcp S] [tcpfin S] [udp S]` as
// keepalived's handler does: at least one option, 0 leaves the kernel's
// value as it is, and an unknown word is skipped alone, so the option
// after it is still read.
func lvsTimeouts(a *analyzer, n *Node, c *Config) {
	if len(n.Args) < 2 {
		a.warnf(n.Pos, "lvs_timeouts requires at least one option")
		return
	}
	for i := 0; i < len(n.Args); i++ {
		var d *time.Duration
		switch n.Args[i].Text {
		case "tcp":
			d = &c.IPVS.Timeouts.TCP
		case "tcpfin":
			d = &c.IPVS.Timeouts.TCPFin
		case "udp":
			d = &c.IPVS.Timeouts.UDP
		default:
			a.warnf(n.Pos, "Unknown option %s specified for lvs_timeouts", n.Args[i].Text)
			continue
		}
		if i+1 == len(n.Args) {
			a.warnf(n.Pos, "No value specified for lvs_timeout %s - ignoring", n.Args[i].Text)
			continue
		}
		if v, ok := a.argInt(n, i+1, 0, 86400*31); ok {
			*d = time.Duration(v) * time.Second
		}
		i++ // the option's value
	}
}

func lvsFlushOnStop(a *analyzer, n *Node, c *Config) {
	c.IPVS.FlushOnStop = true
	if len(n.Args) > 0 && n.Args[0].Text != "VS" {
		a.warnf(n.Pos, "lvs_flush_on_stop: unknown option '%s'", n.Args[0].Text)
	}
	if len(n.Args) > 0 && n.Args[0].Text == "VS" {
		a.warnf(n.Pos, "'lvs_flush_on_stop VS' is not supported by govrrpd yet; the whole table is flushed")
	}
}

// lvsSyncDaemon reads `lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N]
// [port N] [ttl N] [group IP]` as keepalived 2.2.7's lvs_syncd_handler
// does, with its messages: a bad value is ignored (the id then defaults to
// the VRID), the words after IF may also be the old positional
// `VI [SYNCID]`. As in keepalived, a missing or unknown instance is found
// only when the daemon starts (which then runs no sync daemon and says so);
// -t passes. The daemon itself runs in internal/daemon (ipvs.SyncSwitch).
func lvsSyncDaemon(a *analyzer, n *Node, c *Config) {
	if sd := c.IPVS.SyncDaemon; sd != nil {
		a.warnf(n.Pos, "lvs_sync_daemon has already been specified as %s %s - ignoring", sd.Interface, sd.Instance)
		return
	}
	if len(n.Args) == 0 {
		a.warnf(n.Pos, "lvs_sync_daemon requires interface")
		return
	}
	if ifname := n.Args[0].Text; len(ifname) >= 16 {
		a.warnf(n.Pos, "lvs_sync_daemon interface name '%s' too long - ignoring", ifname)
		return
	}
	sd := &ipvs.SyncDaemon{Interface: n.Args[0].Text, ID: -1, Port: ipvs.DefaultSyncPort, TTL: ipvs.DefaultSyncTTL}
	c.IPVS.SyncDaemon = sd
	for i := 1; i < len(n.Args); i++ {
		if syncDaemonOption(a, n, sd, i) {
			i++ // the option's value
			continue
		}
		switch w := n.Args[i].Text; i {
		case 1:
			sd.Instance = w
		case 2:
			if v, ok := a.argInt(n, i, 0, 255); !ok {
				a.warnf(n.Pos, "Invalid syncid (%s) - defaulting to vrid", w)
			} else {
				a.warnf(n.Pos, "Please use keyword \"id\" before lvs_sync_daemon SYNCID")
				sd.ID = v
			}
		default:
			a.warnf(n.Pos, "Unknown option %s specified for lvs_sync_daemon", w)
		}
	}
}

// syncDaemonOption reads the keyword option at i, if it is one, and says
// whether it was.
func syncDaemonOption(a *analyzer, n *Node, sd *ipvs.SyncDaemon, i int) bool {
	opt := n.Args[i].Text
	if opt == "inst" {
		switch {
		case sd.Instance != "":
			a.warnf(n.Pos, "lvs_sync_daemon vrrp instance has already been specified as %s - ignoring", sd.Instance)
		case i+1 < len(n.Args):
			sd.Instance = n.Args[i+1].Text
		default:
			// keepalived reads the value unchecked and stops (exit 2).
			a.missingParam(n.Pos, n.Key, "inst", i+3)
		}
		return true
	}
	num := map[string]struct {
		lo, hi int
		dst    *int
	}{"id": {0, 255, &sd.ID}, "maxlen": {1, 65535 - 20 - 8, &sd.MaxLen}, "port": {1, 65535, &sd.Port}, "ttl": {1, 255, &sd.TTL}}
	o, isNum := num[opt]
	if !isNum && opt != "group" {
		return false
	}
	if i+1 >= len(n.Args) {
		if opt == "id" {
			a.warnf(n.Pos, "No value specified for lvs_sync_daemon id, defaulting to vrid")
		} else {
			a.warnf(n.Pos, "No value specified for lvs_sync_daemon %s - ignoring", opt)
		}
		return true
	}
	val := n.Args[i+1].Text
	switch {
	case opt == "group":
		g, err := netip.ParseAddr(val)
		if err != nil {
			a.warnf(n.Pos, "Invalid lvs_sync_daemon group (%s) - ignoring", val)
		} else if !g.IsMulticast() {
			a.warnf(n.Pos, "lvs_sync_daemon group address %s is not multicast - ignoring", val)
		} else {
			sd.Group = g.String()
		}
	case opt == "id":
		if v, ok := a.argInt(n, i+1, o.lo, o.hi); ok {
			*o.dst = v
		} else {
			a.warnf(n.Pos, "Invalid syncid (%s) - defaulting to vrid", val)
		}
	default:
		if v, ok := a.argInt(n, i+1, o.lo, o.hi); ok {
			*o.dst = v
		} else {
			a.warnf(n.Pos, "Invalid lvs_sync_daemon %s (%s) - ignoring", opt, val)
		}
	}
	return true
}
