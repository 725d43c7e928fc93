package confparse

import (
	"slices"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// global_defs keywords not covered by sem_global_test.go and
// sem_ranges_test.go: their values, ranges and messages (each checked
// against keepalived 2.2.7 -t), and how instances inherit them.

func TestGlobalDefsStringsAndMail(t *testing.T) {
	g := func(f func(GlobalDefs) bool) func(*Config) bool { return func(c *Config) bool { return f(c.Global) } }
	runSemRows(t, []semRow{
		{"strings", gdefs("router_id lb1", "notification_email_from ops@example.com", "smtp_helo_name mx1",
			"default_interface eth1", "vmac_prefix vr"), func(c *Config) bool {
			return c.Global.RouterID == "lb1" && c.Global.NotificationEmailFrom == "ops@example.com" &&
				c.Global.SMTPHeloName == "mx1" && c.VRRP.DefaultInterface == "eth1" && c.VRRP.VMACPrefix == "vr"
		}, nil},
		{"router_id without a value", gdefs("router_id"), g(func(d GlobalDefs) bool { return d.RouterID == "" }),
			[]want{warnAt(2, "'router_id' needs a value")}},
		{"notification_email: every word of every line",
			gdefs("notification_email {", " a@example.com b@example.com", " c@example.com", "}"),
			g(func(d GlobalDefs) bool {
				return slices.Equal(d.NotificationEmail, []string{"a@example.com", "b@example.com", "c@example.com"})
			}), nil},
		{"notification_email on one line opens the block", gdefs("notification_email a@example.com", "smtp_server mail.example.com"),
			g(func(d GlobalDefs) bool {
				return slices.Equal(d.NotificationEmail, []string{"smtp_server", "mail.example.com"}) && d.SMTPServer == ""
			}), []want{warnAt(2, "Block notification_email has extra parameters a@example.com ...: keepalived ignores 'a@example.com'")}},
		{"smtp_server without port", gdefs("smtp_server 192.0.2.5"),
			g(func(d GlobalDefs) bool { return d.SMTPServer == "192.0.2.5" && d.SMTPPort == 0 }), nil},
		{"smtp_server with port", gdefs("smtp_server 192.0.2.5 2525"),
			g(func(d GlobalDefs) bool { return d.SMTPServer == "192.0.2.5" && d.SMTPPort == 2525 }), nil},
		{"smtp_server port 0", gdefs("smtp_server 192.0.2.5 0"),
			g(func(d GlobalDefs) bool { return d.SMTPServer == "" && d.SMTPPort == 0 }),
			[]want{warnAt(2, "smtp_server: number '0' outside range [1, 65535]"), warnAt(2, "Invalid smtp server 192.0.2.5 0")}},
		{"smtp_server port 70000", gdefs("smtp_server mail.example.com 70000"),
			g(func(d GlobalDefs) bool { return d.SMTPServer == "" && d.SMTPPort == 0 }),
			[]want{warnAt(2, "number '70000' outside range [1, 65535]"), warnAt(2, "Invalid smtp server mail.example.com 70000")}},
		{"smtp_connect_timeout 0 becomes 1", gdefs("smtp_connect_timeout 0"), g(func(d GlobalDefs) bool { return d.SMTPConnectTimeout == 1 }),
			[]want{warnAt(2, "smtp_conect_timeout must be greater than 0, setting to 1")}},
		{"smtp_connect_timeout 4294", gdefs("smtp_connect_timeout 4294"), g(func(d GlobalDefs) bool { return d.SMTPConnectTimeout == 4294 }), nil},
		{"smtp_connect_timeout 4295", gdefs("smtp_connect_timeout 4295"), g(func(d GlobalDefs) bool { return d.SMTPConnectTimeout == 30 }),
			[]want{warnAt(2, "smtp_connect_timeout: number '4295' outside range [0, 4294]")}},
		{"smtp_connect_timeout -1", gdefs("smtp_connect_timeout -1"), g(func(d GlobalDefs) bool { return d.SMTPConnectTimeout == 30 }),
			[]want{warnAt(2, "'-1' outside range")}},
		{"smtp_alert bare", gdefs("smtp_alert"), g(func(d GlobalDefs) bool { return d.SMTPAlert != nil && *d.SMTPAlert }), nil},
		{"smtp_alert off", gdefs("smtp_alert off"), g(func(d GlobalDefs) bool { return d.SMTPAlert != nil && !*d.SMTPAlert }), nil},
		{"smtp_alert invalid leaves it unset", gdefs("smtp_alert maybe"), g(func(d GlobalDefs) bool { return d.SMTPAlert == nil }),
			[]want{warnAt(2, "smtp_alert: invalid boolean 'maybe'")}},
		{"smtp_alert_checker no", gdefs("smtp_alert_checker no"),
			g(func(d GlobalDefs) bool {
				return d.SMTPAlertChecker != nil && !*d.SMTPAlertChecker && d.SMTPAlertVRRP == nil
			}), nil},
		{"instance inherits smtp_alert", gdefs("smtp_alert yes") + inst(""), in0(func(i vrrp.Instance) bool { return i.SMTPAlert }), nil},
		{"smtp_alert_vrrp beats smtp_alert", gdefs("smtp_alert yes", "smtp_alert_vrrp off") + inst(""),
			in0(func(i vrrp.Instance) bool { return !i.SMTPAlert }), nil},
		{"instance smtp_alert beats both", gdefs("smtp_alert_vrrp on") + inst("smtp_alert off"),
			in0(func(i vrrp.Instance) bool { return !i.SMTPAlert }), nil},
		{"no smtp_alert anywhere", inst(""), in0(func(i vrrp.Instance) bool { return !i.SMTPAlert }), nil},
		{"fifos", gdefs("notify_fifo /run/k.fifo", "lvs_notify_fifo /run/l.fifo", "vrrp_notify_fifo /run/v.fifo",
			`vrrp_notify_fifo_script "/usr/local/bin/rd -v"`), func(c *Config) bool {
			return c.Global.NotifyFIFO == "/run/k.fifo" && c.Global.LVSNotifyFIFO == "/run/l.fifo" &&
				c.VRRP.NotifyFIFO.Path == "/run/v.fifo" &&
				slices.Equal(c.VRRP.NotifyFIFO.Script.Argv, []string{"/usr/local/bin/rd", "-v"})
		}, nil},
		{"fifo without a name", gdefs("notify_fifo", "lvs_notify_fifo", "vrrp_notify_fifo"), func(c *Config) bool {
			return c.Global.NotifyFIFO == "" && c.Global.LVSNotifyFIFO == "" && c.VRRP.NotifyFIFO.Path == ""
		}, []want{warnAt(2, "'notify_fifo' needs a value"), warnAt(3, "'lvs_notify_fifo' needs a value"),
			warnAt(4, "'vrrp_notify_fifo' needs a value")}},
		{"fifo script without a command", gdefs("vrrp_notify_fifo_script"),
			func(c *Config) bool { return c.VRRP.NotifyFIFO.Script.IsZero() },
			[]want{warnAt(2, "vrrp_notify_fifo_script: no command given")}},
		{"script_user USER :GROUP looks up ':GROUP'", gdefs("script_user root :root"), g(func(d GlobalDefs) bool {
			return d.ScriptUser == "root" && d.ScriptGroup == ":root"
		}), []want{warnAt(2, "Error setting global script uid/gid")}},
		{"script_user without a user", gdefs("script_user"), g(func(d GlobalDefs) bool { return d.ScriptUser == "" }),
			[]want{warnAt(2, "'script_user' needs a value")}},
		{"enable_script_security", gdefs("enable_script_security"),
			func(c *Config) bool { return c.Global.EnableScriptSecurity && c.VRRP.EnableScriptSecurity }, nil},
		{"data_use_instance", gdefs("data_use_instance"), g(func(d GlobalDefs) bool { return d.DataUseInstance }), nil},
		{"data_use_instance off", gdefs("data_use_instance off"), g(func(d GlobalDefs) bool { return !d.DataUseInstance }), nil},
		{"data_use_instance invalid", gdefs("data_use_instance maybe"), g(func(d GlobalDefs) bool { return !d.DataUseInstance }),
			[]want{warnAt(2, "data_use_instance: invalid boolean 'maybe'")}},
		{"unknown keyword", gdefs("vrrp_bogus 1"), nil, []want{warnAt(2, "unknown keyword 'vrrp_bogus' in global_defs")}},
	})
}

func TestGlobalDefsVRRPDefaults(t *testing.T) {
	v := func(f func(vrrp.Globals) bool) func(*Config) bool { return func(c *Config) bool { return f(c.VRRP) } }
	runSemRows(t, []semRow{
		{"mcast_group4", gdefs("vrrp_mcast_group4 224.0.0.20"), v(func(g vrrp.Globals) bool { return g.McastGroup4.String() == "224.0.0.20" }), nil},
		{"mcast_group6", gdefs("vrrp_mcast_group6 ff02::13"), v(func(g vrrp.Globals) bool { return g.McastGroup6.String() == "ff02::13" }), nil},
		{"mcast_group4 IPv6", gdefs("vrrp_mcast_group4 ff02::1"), v(func(g vrrp.Globals) bool { return g.McastGroup4.String() == "224.0.0.18" }),
			[]want{warnAt(2, "vrrp_mcast_group4: 'ff02::1' is not an IPv4 multicast address - ignoring")}},
		{"mcast_group4 unicast", gdefs("vrrp_mcast_group4 192.0.2.1"), v(func(g vrrp.Globals) bool { return g.McastGroup4.String() == "224.0.0.18" }),
			[]want{warnAt(2, "'192.0.2.1' is not an IPv4 multicast address")}},
		{"mcast_group6 IPv4", gdefs("vrrp_mcast_group6 224.0.0.1"), v(func(g vrrp.Globals) bool { return g.McastGroup6.String() == "ff02::12" }),
			[]want{warnAt(2, "vrrp_mcast_group6: '224.0.0.1' is not an IPv6 multicast address - ignoring")}},
		{"mcast_group4 not an address", gdefs("vrrp_mcast_group4 224.0.0.300"), nil,
			[]want{warnAt(2, "vrrp_mcast_group4: invalid IP address '224.0.0.300'")}},
		{"garp master delay 0: lower follows", gdefs("vrrp_garp_master_delay 0") + inst(""), in0(func(i vrrp.Instance) bool {
			return i.GARP.MasterDelay == 0 && i.GARP.LowerPrioDelay == 0
		}), nil},
		{"garp master delay top", gdefs("vrrp_garp_master_delay 4294"), v(func(g vrrp.Globals) bool { return g.GARP.MasterDelay == 4294*time.Second }), nil},
		{"garp master delay above", gdefs("vrrp_garp_master_delay 4295"), v(func(g vrrp.Globals) bool { return g.GARP.MasterDelay == 5*time.Second }),
			[]want{warnAt(2, "vrrp_garp_master_delay: number '4295' outside range [0, 4294]")}},
		{"garp master delay fraction", gdefs("vrrp_garp_master_delay 1.5"), v(func(g vrrp.Globals) bool { return g.GARP.MasterDelay == 5*time.Second }),
			[]want{warnAt(2, "vrrp_garp_master_delay: invalid number '1.5'")}},
		{"garp master repeat 0 becomes 1, lower follows", gdefs("vrrp_garp_master_repeat 0") + inst(""), in0(func(i vrrp.Instance) bool {
			return i.GARP.MasterRepeat == 1 && i.GARP.LowerPrioRepeat == 1
		}), []want{warnAt(2, "vrrp_garp_master_repeat must be greater than 0, setting to 1")}},
		{"garp master repeat negative", gdefs("vrrp_garp_master_repeat -1"), v(func(g vrrp.Globals) bool { return g.GARP.MasterRepeat == 5 }),
			[]want{warnAt(2, "vrrp_garp_master_repeat: number '-1' outside range [0, 4294967295]")}},
		{"garp refresh", gdefs("vrrp_garp_master_refresh 60", "vrrp_garp_master_refresh_repeat 4294967295"), v(func(g vrrp.Globals) bool {
			return g.GARP.MasterRefresh == time.Minute && g.GARP.MasterRefreshRepeat == 4294967295
		}), nil},
		{"garp refresh above", gdefs("vrrp_garp_master_refresh 4294967296"), v(func(g vrrp.Globals) bool { return g.GARP.MasterRefresh == 0 }),
			[]want{warnAt(2, "vrrp_garp_master_refresh: number '4294967296' outside range [0, 4294967295]")}},
		{"lower prio set stays its own", gdefs("vrrp_garp_lower_prio_delay 7", "vrrp_garp_lower_prio_repeat 2", "vrrp_garp_master_delay 1",
			"vrrp_garp_master_repeat 9"), v(func(g vrrp.Globals) bool {
			return g.GARP.LowerPrioDelay == 7*time.Second && g.GARP.LowerPrioRepeat == 2 && g.GARP.MasterDelay == time.Second
		}), nil},
		{"lower prio repeat int max", gdefs("vrrp_garp_lower_prio_repeat 2147483647"), v(func(g vrrp.Globals) bool { return g.GARP.LowerPrioRepeat == 2147483647 }), nil},
		{"lower prio repeat above int max", gdefs("vrrp_garp_lower_prio_repeat 2147483648"), v(func(g vrrp.Globals) bool { return g.GARP.LowerPrioRepeat == 5 }),
			[]want{warnAt(2, "vrrp_garp_lower_prio_repeat: number '2147483648' outside range [0, 2147483647]")}},
		{"lower prio delay above", gdefs("vrrp_garp_lower_prio_delay 4295"), v(func(g vrrp.Globals) bool { return g.GARP.LowerPrioDelay == 5*time.Second }),
			[]want{warnAt(2, "number '4295' outside range [0, 4294]")}},
		{"instance keeps the global lower prio delay", gdefs("vrrp_garp_lower_prio_delay 7") + inst("garp_master_delay 1"),
			in0(func(i vrrp.Instance) bool {
				return i.GARP.MasterDelay == time.Second && i.GARP.LowerPrioDelay == 7*time.Second
			}), nil},
		{"instance lower prio follows its own master", inst("garp_master_delay 1\ngarp_master_repeat 2"),
			in0(func(i vrrp.Instance) bool {
				return i.GARP.LowerPrioDelay == time.Second && i.GARP.LowerPrioRepeat == 2 && i.GARP.MasterRefreshRepeat == 1
			}), nil},
		{"vrrp_min_garp", gdefs("vrrp_min_garp") + inst(""), in0(func(i vrrp.Instance) bool {
			return i.GARP == vrrp.GARP{MasterRepeat: 1, MasterRefreshRepeat: 1, LowerPrioRepeat: 1}
		}), nil},
		{"vrrp_min_garp off", gdefs("vrrp_min_garp off"), v(func(g vrrp.Globals) bool {
			return g.GARP.MasterRepeat == 5 && g.GARP.MasterDelay == 5*time.Second
		}), nil},
		{"vrrp_min_garp invalid", gdefs("vrrp_min_garp maybe"), v(func(g vrrp.Globals) bool { return g.GARP.MasterRepeat == 5 }),
			[]want{warnAt(2, "vrrp_min_garp: invalid boolean 'maybe'")}},
		{"startup delay", gdefs("vrrp_startup_delay 2.5"), v(func(g vrrp.Globals) bool { return g.StartupDelay == 2500*time.Millisecond }), nil},
		{"startup delay 1ms", gdefs("vrrp_startup_delay 0.001"), v(func(g vrrp.Globals) bool { return g.StartupDelay == time.Millisecond }), nil},
		{"startup delay below 1ms", gdefs("vrrp_startup_delay 0.0005"), v(func(g vrrp.Globals) bool { return g.StartupDelay == 0 }),
			[]want{warnAt(2, "vrrp_startup_delay: number '0.0005' outside range [0.001, 4294.967295]")}},
		{"startup delay above", gdefs("vrrp_startup_delay 4294.967296"), v(func(g vrrp.Globals) bool { return g.StartupDelay == 0 }),
			[]want{warnAt(2, "outside range [0.001, 4294.967295]")}},
		{"dynamic_interfaces", gdefs("dynamic_interfaces"), v(func(g vrrp.Globals) bool { return g.DynamicInterfaces }), nil},
		{"dynamic_interfaces allow_if_changes", gdefs("dynamic_interfaces allow_if_changes"), v(func(g vrrp.Globals) bool { return g.DynamicInterfaces }), nil},
		{"dynamic_interfaces bogus", gdefs("dynamic_interfaces bogus"), v(func(g vrrp.Globals) bool { return g.DynamicInterfaces }),
			[]want{warnAt(2, "dynamic_interfaces: unknown option 'bogus'")}},
		{"vrrp_version 3 inherited", gdefs("vrrp_version 3") + inst("advert_int 0.5"),
			in0(func(i vrrp.Instance) bool { return i.Version == 3 && i.AdvertInt == 500*time.Millisecond }), nil},
		{"instance version 2 beats global 3", gdefs("vrrp_version 3") + inst("version 2"),
			in0(func(i vrrp.Instance) bool { return i.Version == 2 }), nil},
		{"vrrp_version fraction", gdefs("vrrp_version 2.5"), v(func(g vrrp.Globals) bool { return g.Version == 2 }),
			[]want{warnAt(2, "vrrp_version: invalid number '2.5'")}},
	})
}

// The global flags reach every instance that does not set its own.
func TestGlobalDefsFlagsInherited(t *testing.T) {
	type flag struct {
		global, local string
		get           func(vrrp.Instance) bool
	}
	for _, f := range []flag{
		{"vrrp_lower_prio_no_advert", "lower_prio_no_advert", func(i vrrp.Instance) bool { return i.LowerPrioNoAdvert }},
		{"vrrp_skip_check_adv_addr", "skip_check_adv_addr", func(i vrrp.Instance) bool { return i.SkipCheckAdvAddr }},
		{"vrrp_notify_priority_changes", "notify_priority_changes", func(i vrrp.Instance) bool { return i.NotifyPriorityChanges }},
		{"vrrp_strict", "strict_mode", func(i vrrp.Instance) bool { return i.Strict }},
	} {
		runSemRows(t, []semRow{
			{f.global + " inherited", gdefs(f.global) + inst(""), in0(f.get), nil},
			{f.global + " on, " + f.local + " off", gdefs(f.global) + inst(f.local+" off"),
				in0(func(i vrrp.Instance) bool { return !f.get(i) }), nil},
			{f.global + " off, " + f.local, gdefs(f.global+" off") + inst(f.local), in0(f.get), nil},
			{f.global + " invalid", gdefs(f.global+" maybe") + inst(""), in0(func(i vrrp.Instance) bool { return !f.get(i) }),
				[]want{warnAt(2, f.global+": invalid boolean 'maybe'")}},
			{f.local + " invalid: the global stays", gdefs(f.global) + inst(f.local+" maybe"), in0(f.get),
				[]want{warnAt(instBody+3, f.local+": invalid boolean 'maybe'")}},
		})
	}
}

// keepalived's check_unicast_src handlers take no value: whatever word
// follows, it is on.
func TestCheckUnicastSrcTakesNoValue(t *testing.T) {
	peer := "unicast_peer {\n192.0.2.9\n}\n"
	runSemRows(t, []semRow{
		{"global off is on", gdefs("vrrp_check_unicast_src off") + inst(peer),
			in0(func(i vrrp.Instance) bool { return i.CheckUnicastSrc }),
			[]want{infoAt(2, "'vrrp_check_unicast_src' takes no value: keepalived ignores 'off' and turns it on")}},
		{"instance off is on", inst(peer + "check_unicast_src off"), in0(func(i vrrp.Instance) bool { return i.CheckUnicastSrc }),
			[]want{infoAt(instBody+3, "'check_unicast_src' takes no value")}},
		{"default off", inst(peer), in0(func(i vrrp.Instance) bool { return !i.CheckUnicastSrc }), nil},
	})
}

// lvs_timeouts follows keepalived's handler word by word.
func TestGlobalLVSTimeouts(t *testing.T) {
	to := func(tcp, fin, udp int) func(*Config) bool {
		return func(c *Config) bool {
			x := c.IPVS.Timeouts
			return x.TCP == time.Duration(tcp)*time.Second && x.TCPFin == time.Duration(fin)*time.Second && x.UDP == time.Duration(udp)*time.Second
		}
	}
	runSemRows(t, []semRow{
		{"all three", gdefs("lvs_timeouts tcp 900 tcpfin 120 udp 300"), to(900, 120, 300), nil},
		{"0 leaves the kernel's", gdefs("lvs_timeouts tcp 0"), to(0, 0, 0), nil},
		{"top", gdefs("lvs_timeouts tcpfin 2678400"), to(0, 2678400, 0), nil},
		{"above", gdefs("lvs_timeouts udp 2678401 tcp 5"), to(5, 0, 0),
			[]want{warnAt(2, "lvs_timeouts: number '2678401' outside range [0, 2678400]")}},
		{"not a number", gdefs("lvs_timeouts tcp x udp 4"), to(0, 0, 4), []want{warnAt(2, "lvs_timeouts: invalid number 'x'")}},
		{"unknown word skips itself", gdefs("lvs_timeouts tcp 5 bogus udp 7"), to(5, 0, 7),
			[]want{warnAt(2, "Unknown option bogus specified for lvs_timeouts")}},
		{"bare", gdefs("lvs_timeouts"), to(0, 0, 0), []want{warnAt(2, "lvs_timeouts requires at least one option")}},
		{"one word", gdefs("lvs_timeouts tcp"), to(0, 0, 0), []want{warnAt(2, "lvs_timeouts requires at least one option")}},
		{"last value missing", gdefs("lvs_timeouts tcp 3 udp"), to(3, 0, 0),
			[]want{warnAt(2, "No value specified for lvs_timeout udp - ignoring")}},
	})
}

func TestGlobalLVSFlush(t *testing.T) {
	runSemRows(t, []semRow{
		{"flush", gdefs("lvs_flush", "rs_init_notifies"), func(c *Config) bool { return c.IPVS.Flush && c.IPVS.RSInitNotifies && !c.IPVS.FlushOnStop }, nil},
		{"flush on stop", gdefs("lvs_flush_on_stop"), func(c *Config) bool { return c.IPVS.FlushOnStop }, nil},
		{"flush on stop VS", gdefs("lvs_flush_on_stop VS"), func(c *Config) bool { return c.IPVS.FlushOnStop },
			[]want{warnAt(2, "'lvs_flush_on_stop VS' is not supported by govrrpd yet; the whole table is flushed")}},
		{"flush on stop unknown", gdefs("lvs_flush_on_stop xx"), func(c *Config) bool { return c.IPVS.FlushOnStop },
			[]want{warnAt(2, "lvs_flush_on_stop: unknown option 'xx'")}},
		{"old spelling", gdefs("lvs_flush_onstop"), func(c *Config) bool { return c.IPVS.FlushOnStop },
			[]want{infoAt(2, "'lvs_flush_onstop' is deprecated - please use 'lvs_flush_on_stop'")}},
	})
}

// Keywords govrrpd refuses (a warning), ignores by design (Info) or that
// stop keepalived when written without their value (exit 2): each at its
// own line.
func TestGlobalDefsRefusedIgnoredAndBare(t *testing.T) {
	var rows []semRow
	for _, k := range []string{"no_email_faults", "startup_script /x", "vrrp_iptables", "nftables", "vmac_addr_prefix 02:00",
		"reload_check_config", "random_seed 5", "notify_fifo_script /x", "vrrp_garp_extra_if 5",
		"vrrp_rt_priority 50", "vrrp_no_swap", "vrrp_rlimit_rttime 20000"} {
		rows = append(rows, semRow{"refused " + k, gdefs(k), nil, []want{warnAt(2, "is not supported by govrrpd yet; ignored")}})
	}
	for _, k := range []string{"checker_priority -5", "umask 022", "enable_dbus", "process_names",
		"vrrp_rx_bufs_policy MTU", "max_auto_priority 10"} {
		rows = append(rows, semRow{"no effect " + k, gdefs(k), nil, []want{infoAt(2, "has no effect in govrrpd")}})
	}
	for k, v := range map[string]string{"state_dump_file": "2.3.3", "stats_dump_file": "2.3.3", "json_dump_file": "2.3.3",
		"dbus_no_interface_name": "2.3.0", "use_symlink_paths": "2.3.0", "iproute_usr_dir": "2.3.2", "iproute_etc_dir": "2.3.2",
		"snmp_vs_stats_update_interval": "2.3.0", "snmp_rs_stats_update_interval": "2.3.0"} {
		rows = append(rows, semRow{"newer " + k, gdefs(k + " x"), nil, []want{warnAt(2, "'"+k+"' is keepalived "+v+", newer than")}})
	}
	// Measured with keepalived 2.2.7 -t: exit 2 at the bare keyword.
	for _, k := range []string{"smtp_connect_timeout", "smtp_server", "vmac_prefix", "vrrp_down_timer_adverts",
		"vrrp_garp_interval", "vrrp_garp_lower_prio_delay", "vrrp_garp_master_repeat", "vrrp_gna_interval",
		"vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_startup_delay", "vrrp_version"} {
		rows = append(rows, semRow{"bare " + k, gdefs(k, "router_id after"), func(c *Config) bool { return c.Global.RouterID == "after" },
			[]want{stopAt(2, "starting `"+k+"` is missing a parameter")}})
	}
	rows = append(rows,
		semRow{"root notYet", "net_namespace_ipvs x\nuse_pid_dir\n", nil, []want{warnAt(1, "'net_namespace_ipvs' is not supported"),
			warnAt(2, "'use_pid_dir' is not supported")}},
		semRow{"root child_wait_time", "child_wait_time 5\n", nil, []want{infoAt(1, "'child_wait_time' has no effect")}},
		semRow{"root bare child_wait_time", "child_wait_time\n", nil, []want{stopAt(1, "`child_wait_time` is missing a parameter")}},
		semRow{"root instance without name", "instance\n", func(c *Config) bool { return c.Global.Instance == "" },
			[]want{warnAt(1, "'instance' needs a value")}},
	)
	runSemRows(t, rows)
	for _, k := range []string{"vrrp_version", "smtp_server"} {
		if _, d := loadSem(t, gdefs(k)); d.ExitCode() != 2 {
			t.Errorf("bare %s: exit %d, want keepalived's 2", k, d.ExitCode())
		}
	}
}

// vrrp_priority and vrrp_cpu_affinity are applied to the one process
// (internal/procprio); keepalived's range for the first, and one bad CPU
// drops the whole set, as keepalived does.
func TestGlobalProcess(t *testing.T) {
	proc := func(nice int, cpus ...int) func(*Config) bool {
		return func(c *Config) bool {
			return c.Global.Process.Nice == nice && slices.Equal(c.Global.Process.CPUs, cpus)
		}
	}
	runSemRows(t, []semRow{
		{"both", gdefs("vrrp_priority -10", "vrrp_cpu_affinity 0 1"), proc(-10, 0, 1), nil},
		{"nice range", gdefs("vrrp_priority -21"), proc(0), []want{warnAt(2, "vrrp_priority: number '-21' outside range [-20, 19]")}},
		{"bad cpu drops the set", gdefs("vrrp_cpu_affinity 0 x"), proc(0), []want{warnAt(2, "Invalid cpu_id:x specified for vrrp process")}},
		{"negative cpu", gdefs("vrrp_cpu_affinity -1"), proc(0), []want{warnAt(2, "Invalid cpu_id:-1")}},
		{"no cpus", gdefs("vrrp_cpu_affinity"), proc(0), []want{warnAt(2, "No vrrp cpu_id set specified")}},
	})
}
