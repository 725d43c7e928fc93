package confparse

import "github.com/govrrpd/govrrpd/vrrp"

// Keywords keepalived added after 2.2.7 that change what a file means.
// govrrpd reads 2.2.7's language, plus those it implements with keepalived
// 2.4.3's meaning (auth_hmac, v3_checksum_as_v2: sem_vrrp_hmac.go;
// owner_ignore_adverts here). The rest are refused by name, at their line,
// with the release that introduced them, rather than as unknown words.

// newerKeywords maps each refused post-2.2.7 keyword to the keepalived
// release that introduced it.
var newerKeywords = map[string]string{
	"json_version": "2.2.8", "state_dump_file": "2.3.3", "stats_dump_file": "2.3.3", "json_dump_file": "2.3.3",
	"vrrp_delay_after_boot": "2.4.0", "dbus_no_interface_name": "2.3.0", "use_symlink_paths": "2.3.0",
	"iproute_usr_dir": "2.3.2", "iproute_etc_dir": "2.3.2",
	"snmp_vs_stats_update_interval": "2.3.0", "snmp_rs_stats_update_interval": "2.3.0",
}

// newerInstanceKeywords is the same for vrrp_instance.
var newerInstanceKeywords = map[string]string{
	"timer_expired_backup": "2.2.8", "thread_timer_expired": "2.3.2", "no_virtual_ipaddress": "2.2.8",
}

func init() {
	for k, v := range newerKeywords {
		globalTable[k] = func(a *analyzer, n *Node, _ *Config) { refuseNewer(a, n, v) }
	}
	for k, v := range newerInstanceKeywords {
		instTable[k] = func(a *analyzer, n *Node, _ *instB) { refuseNewer(a, n, v) }
	}
	instTable["owner_ignore_adverts"] = instFlag("owner_ignore_adverts", func(b *instB) *bool { return &b.OwnerIgnoreAdverts })
	globalTable["vrrp_owner_ignore_adverts"] = gBool(func(c *Config) *bool { return &c.VRRP.OwnerIgnoreAdverts })
}

func refuseNewer(a *analyzer, n *Node, version string) {
	a.warnf(n.Pos, "'%s' is keepalived %s, newer than the 2.2.7 language govrrpd reads: not supported, ignored", n.Key, version)
}

// completeNewer applies what keepalived 2.4.3 checks of these keywords
// once an instance is read.
func completeNewer(a *analyzer, b *instB) {
	if !b.set["owner_ignore_adverts"] {
		b.OwnerIgnoreAdverts = a.cfg.VRRP.OwnerIgnoreAdverts
	} else if b.OwnerIgnoreAdverts && b.Priority != vrrp.OwnerPriority {
		a.warnf(b.pos, "(%s) ignoring owner_ignore_adverts since priority is not 255", b.Name)
		b.OwnerIgnoreAdverts = false
	}
	completeAuthHMAC(a, b)
}
