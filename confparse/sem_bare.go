package confparse

import "strings"

// A keyword whose keepalived handler reads its value without first
// checking that one was given makes keepalived stop at once: parser.c's
// null_strvec prints "missing a parameter" and exits 2, under -t too, and
// the daemon never runs. Other handlers check and carry on with a warning.
// The sets below were measured, not read: every keyword govrrpd knows,
// written bare in each block, through keepalived 2.2.7 -t; those that
// exit 2 are listed. (Checker keywords shared by every checker are
// keepalived's install_checker_common_keywords.)

var bareCheckerCommon = []string{"connect_timeout", "delay_before_retry", "delay_loop", "retry", "warmup",
	"bind_if", "bind_port", "bindto", "connect_ip", "connect_port", "fwmark"}

var bareStops = map[string][]string{
	"root": {"child_wait_time", "track_file", "virtual_server", "virtual_server_group", "vrrp_script",
		"vrrp_track_file", "vrrp_track_process"},
	"global_defs": {"smtp_connect_timeout", "smtp_server", "vmac_prefix", "vrrp_down_timer_adverts",
		"vrrp_garp_interval", "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat", "vrrp_garp_master_delay",
		"vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat", "vrrp_garp_master_repeat", "vrrp_gna_interval",
		"vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_startup_delay", "vrrp_version"},
	"vrrp_instance": {"advert_int", "debug", "down_timer_adverts", "garp_lower_prio_delay", "garp_lower_prio_repeat",
		"garp_master_delay", "garp_master_refresh", "garp_master_refresh_repeat", "garp_master_repeat", "interface",
		"lvs_sync_daemon_interface", "mcast_dst_ip", "mcast_src_ip", "notify", "notify_backup", "notify_fault",
		"notify_master", "notify_master_rx_lower_pri", "notify_stop", "preempt_delay", "priority", "state",
		"unicast_src_ip", "unicast_ttl", "version", "virtual_router_id"},
	"bfd_instance":       {"hoplimit", "idle_tx", "max_hops", "min_rx", "min_tx", "multiplier", "source_ip", "ttl", "weight"},
	"vrrp_sync_group":    {"notify", "notify_backup", "notify_fault", "notify_master", "notify_stop"},
	"authentication":     {"auth_pass", "auth_type"},
	"vrrp_script":        {"fall", "interval", "rise", "timeout", "user", "weight"},
	"vrrp_track_process": {"delay", "fork_delay", "process", "quorum", "quorum_max", "terminate_delay"},
	"virtual_server": {"connect_timeout", "delay_before_retry", "delay_loop", "hysteresis", "ip_family", "lb_algo",
		"lb_kind", "lvs_method", "lvs_sched", "persistence_engine", "persistence_granularity", "protocol", "quorum",
		"quorum_down", "quorum_up", "real_server", "retry", "sorry_server", "warmup", "weight"},
	"real_server": {"connect_timeout", "delay_before_retry", "delay_loop", "lthreshold", "lvs_method", "notify_down",
		"notify_up", "retry", "uthreshold", "warmup", "weight"},
	"url":        {"digest", "path"},
	"MISC_CHECK": {"delay_before_retry", "delay_loop", "misc_timeout", "retry", "warmup"},
	"HTTP_GET":   append([]string{"nb_get_retry"}, bareCheckerCommon...),
	"SSL_GET":    append([]string{"nb_get_retry"}, bareCheckerCommon...),
	"TCP_CHECK":  bareCheckerCommon,
	"SMTP_CHECK": bareCheckerCommon,
	"DNS_CHECK":  append([]string{"name", "type"}, bareCheckerCommon...),
	"UDP_CHECK":  bareCheckerCommon,
	"PING_CHECK": bareCheckerCommon,
}

// bareStopSet is bareStops as sets.
var bareStopSet = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for blk, kws := range bareStops {
		out[blk] = map[string]bool{}
		for _, k := range kws {
			out[blk][k] = true
		}
	}
	return out
}()

// bareBlockStops are the blocks whose name or address keepalived reads
// unchecked: `virtual_server {` stops it as a bare keyword does.
var bareBlockStops = map[string]map[string]bool{
	"root": {"virtual_server": true, "virtual_server_group": true, "track_file": true, "vrrp_script": true,
		"vrrp_track_file": true, "vrrp_track_process": true},
	"virtual_server": {"real_server": true},
}

// stopsBare reports keepalived's exit-2 stop for n, a statement of the
// block named by where (dispatch's where; "" is the root), and records it.
func (a *analyzer) stopsBare(n *Node, where string) bool {
	if len(n.Args) > 0 {
		return false
	}
	blk, _, _ := strings.Cut(where, " ")
	if blk == "" {
		blk = "root"
	}
	if n.Block && !bareBlockStops[blk][n.Key] || !n.Block && !bareStopSet[blk][n.Key] {
		return false
	}
	a.missingParam(n.Pos, n.Key, n.Key, 2)
	return true
}

// missingParam records keepalived's null_strvec stop: on the line
// starting with line, the value after key (word position word, counted
// from 1 as keepalived does) is missing.
func (a *analyzer) missingParam(p Pos, line, key string, word int) {
	a.add(p, Stop, "*** Configuration line starting `%s` is missing a parameter after keyword `%s` at word position %d (keepalived stops here with exit status 2)", line, key, word)
}
