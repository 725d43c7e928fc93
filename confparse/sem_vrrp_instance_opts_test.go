package confparse

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// vrrp_instance options: preemption, accept mode, GARP pacing, VMAC,
// authentication, notify scripts, strict mode, duplicate VRIDs and the
// keywords govrrpd refuses or ignores (each verdict measured with
// keepalived 2.2.7 -t).

func TestInstancePreemptAndAccept(t *testing.T) {
	runSemRows(t, []semRow{
		{"preempt undoes nopreempt", inst("nopreempt\npreempt"), in0(func(i vrrp.Instance) bool { return !i.Nopreempt }), nil},
		{"nopreempt", inst("nopreempt"), in0(func(i vrrp.Instance) bool { return i.Nopreempt }), nil},
		{"preempt_delay fraction", inst("preempt_delay 0.5"), in0(func(i vrrp.Instance) bool { return i.Options().PreemptDelay == 500*time.Millisecond }), nil},
		{"preempt_delay with MASTER", inst("state MASTER\npriority 100\npreempt_delay 5"),
			in0(func(i vrrp.Instance) bool { return i.Options().PreemptDelay == 0 }),
			[]want{warnAt(1, "(VI_1) Warning - preempt delay will not work with initial state MASTER - clearing")}},
		{"preempt_delay x", inst("preempt_delay x"), in0(func(i vrrp.Instance) bool { return i.Options().PreemptDelay == 0 }),
			[]want{warnAt(instBody, "preempt_delay: invalid time 'x'"), warnAt(instBody, "(VI_1) Preempt_delay not valid! must be between 0-1000")}},
		{"accept", inst("accept"), in0(func(i vrrp.Instance) bool { return i.Accept && i.AcceptSet }), nil},
		{"no_accept", inst("no_accept"), in0(func(i vrrp.Instance) bool { return !i.Accept && i.AcceptSet }), nil},
		{"strict owner accepts", gdefs("vrrp_strict") + inst("priority 255"), in0(func(i vrrp.Instance) bool { return i.Accept && !i.AcceptSet }), nil},
		{"strict backup does not", gdefs("vrrp_strict") + inst(""), in0(func(i vrrp.Instance) bool { return !i.Accept }), nil},
		{"strict v3 may accept", gdefs("vrrp_strict") + inst("version 3\naccept"), in0(func(i vrrp.Instance) bool { return i.Accept }), nil},
	})
}

func TestInstanceGARP(t *testing.T) {
	garp := func(f func(vrrp.GARP) bool) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return f(i.GARP) })
	}
	runSemRows(t, []semRow{
		{"every keyword", inst("garp_master_delay 0\ngarp_master_repeat 4294967295\ngarp_master_refresh 60\n" +
			"garp_master_refresh_repeat 3\ngarp_lower_prio_delay 4294\ngarp_lower_prio_repeat 2147483647"), garp(func(g vrrp.GARP) bool {
			return g == vrrp.GARP{MasterDelay: 0, MasterRepeat: 4294967295, MasterRefresh: time.Minute, MasterRefreshRepeat: 3,
				LowerPrioDelay: 4294 * time.Second, LowerPrioRepeat: 2147483647}
		}), nil},
		{"defaults", inst(""), garp(func(g vrrp.GARP) bool {
			return g == vrrp.GARP{MasterDelay: 5 * time.Second, MasterRepeat: 5, MasterRefreshRepeat: 1, LowerPrioDelay: 5 * time.Second, LowerPrioRepeat: 5}
		}), nil},
		{"delay above", inst("garp_master_delay 4295"), garp(func(g vrrp.GARP) bool { return g.MasterDelay == 5*time.Second }),
			[]want{warnAt(instBody, "garp_master_delay: number '4295' outside range [0, 4294]")}},
		{"repeat negative", inst("garp_master_repeat -1"), garp(func(g vrrp.GARP) bool { return g.MasterRepeat == 5 }),
			[]want{warnAt(instBody, "garp_master_repeat: number '-1' outside range [0, 4294967295]")}},
		{"refresh above", inst("garp_master_refresh 4294967296"), garp(func(g vrrp.GARP) bool { return g.MasterRefresh == 0 }),
			[]want{warnAt(instBody, "garp_master_refresh: number '4294967296' outside range [0, 4294967295]")}},
		{"refresh fraction", inst("garp_master_refresh 1.5"), garp(func(g vrrp.GARP) bool { return g.MasterRefresh == 0 }),
			[]want{warnAt(instBody, "garp_master_refresh: invalid number '1.5'")}},
		{"lower repeat above", inst("garp_lower_prio_repeat 2147483648"), garp(func(g vrrp.GARP) bool { return g.LowerPrioRepeat == 5 }),
			[]want{warnAt(instBody, "garp_lower_prio_repeat: number '2147483648' outside range [0, 2147483647]")}},
		{"lower delay above", inst("garp_lower_prio_delay 4295"), garp(func(g vrrp.GARP) bool { return g.LowerPrioDelay == 5*time.Second }),
			[]want{warnAt(instBody, "garp_lower_prio_delay: number '4295' outside range [0, 4294]")}},
		{"strict: no lower prio repeats", gdefs("vrrp_strict") + inst("garp_lower_prio_repeat 2"),
			garp(func(g vrrp.GARP) bool { return g.LowerPrioRepeat == 0 }),
			[]want{warnAt(4, "(VI_1) Strict mode requires no repeat garps. resetting")}},
		{"bare garp_master_delay stops keepalived", inst("garp_master_delay"), nil,
			[]want{stopAt(instBody, "`garp_master_delay` is missing a parameter")}},
	})
}

func TestInstanceVMAC(t *testing.T) {
	vm := func(want *vrrp.VMAC) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool {
			return (i.VMAC == nil) == (want == nil) && (want == nil || *i.VMAC == *want)
		})
	}
	runSemRows(t, []semRow{
		{"bare", inst("use_vmac"), vm(&vrrp.VMAC{}), nil},
		{"name and MAC", inst("use_vmac vrrp51 02:00:5e:00:01:33"), vm(&vrrp.VMAC{Name: "vrrp51", MAC: "02:00:5e:00:01:33"}), nil},
		{"xmit_base before use_vmac", inst("vmac_xmit_base\nuse_vmac vr1"), vm(&vrrp.VMAC{Name: "vr1", XmitBase: true}), nil},
		{"xmit_base alone makes no VMAC", inst("vmac_xmit_base"), vm(nil), []want{warnAt(1, "(VI_1) vmac_xmit_base is only valid with a vmac")}},
		{"group option", inst("use_vmac vr1 group"), vm(&vrrp.VMAC{Name: "vr1"}),
			[]want{warnAt(instBody, "(VI_1) use_vmac option 'group' is not supported by govrrpd yet")}},
		{"unicast needs xmit_base", inst("use_vmac\nunicast_peer {\n192.0.2.7\n}"), vm(&vrrp.VMAC{XmitBase: true}),
			[]want{warnAt(1, "(VI_1) unicast with use_vmac requires vmac_xmit_base - setting")}},
		{"strict drops xmit_base", gdefs("vrrp_strict") + inst("use_vmac\nvmac_xmit_base"), vm(&vrrp.VMAC{}),
			[]want{warnAt(4, "(VI_1) xmit_base is incompatible with strict mode - resetting")}},
	})
}

func TestInstanceAuthentication(t *testing.T) {
	auth := func(a vrrp.Auth) func(*Config) bool { return in0(func(i vrrp.Instance) bool { return i.Auth == a }) }
	ab := func(lines ...string) string { return inst("authentication {\n" + strings.Join(lines, "\n") + "\n}") }
	l := instBody + 1
	runSemRows(t, []semRow{
		{"PASS", ab("auth_type PASS", "auth_pass secret"), auth(vrrp.Auth{Type: vrrp.AuthPass, Pass: "secret"}), nil},
		{"8 characters kept", ab("auth_type PASS", "auth_pass 12345678"), auth(vrrp.Auth{Type: vrrp.AuthPass, Pass: "12345678"}), nil},
		{"unknown type", ab("auth_type MD5"), auth(vrrp.Auth{}), []want{warnAt(l, "(VI_1) unknown authentication type 'MD5'")}},
		{"unknown keyword", ab("auth_type PASS", "auth_pass x", "auth_key y"), auth(vrrp.Auth{Type: vrrp.AuthPass, Pass: "x"}),
			[]want{warnAt(l+2, "unknown keyword 'auth_key' in authentication")}},
		{"bare auth_pass stops keepalived", ab("auth_type PASS", "auth_pass"), nil,
			[]want{stopAt(l+1, "`auth_pass` is missing a parameter")}},
		{"bare auth_type stops keepalived", ab("auth_type"), nil, []want{stopAt(l, "`auth_type` is missing a parameter")}},
		{"strict drops it", gdefs("vrrp_strict") + ab("auth_type PASS", "auth_pass x"), auth(vrrp.Auth{}),
			[]want{warnAt(4, "(VI_1) Strict mode does not support authentication. Ignoring.")}},
	})
}

func TestInstanceNotify(t *testing.T) {
	argv := func(f func(vrrp.Notify) []string, want ...string) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return slices.Equal(f(i.Notifies()), want) })
	}
	var rows []semRow
	for k, f := range map[string]func(vrrp.Notify) []string{
		"notify_master": func(n vrrp.Notify) []string { return n.Master.Argv },
		"notify_backup": func(n vrrp.Notify) []string { return n.Backup.Argv },
		"notify_fault":  func(n vrrp.Notify) []string { return n.Fault.Argv },
		"notify_stop":   func(n vrrp.Notify) []string { return n.Stop.Argv },
		"notify":        func(n vrrp.Notify) []string { return n.Generic.Argv },
		"notify_master_rx_lower_pri": func(n vrrp.Notify) []string {
			return n.MasterRxLowerPri.Argv
		},
	} {
		rows = append(rows,
			semRow{k, inst(k + ` "/bin/x ` + k + `"`), argv(f, "/bin/x", k), nil},
			semRow{k + " twice", inst(k + " /bin/a\n" + k + " /bin/b"), argv(f, "/bin/a"),
				[]want{warnAt(instBody+1, "(VI_1) "+k+" script already specified - ignoring /bin/b")}},
			semRow{"bare " + k + " stops keepalived", inst(k), nil, []want{stopAt(instBody, "`"+k+"` is missing a parameter")}})
	}
	rows = append(rows,
		semRow{"notify_deleted alone", inst("notify_deleted"), in0(func(i vrrp.Instance) bool {
			return i.Notifies().DeletedSet && i.Notifies().Deleted.IsZero()
		}), nil},
		semRow{"notify_deleted with a script", inst("notify_deleted /bin/d"), in0(func(i vrrp.Instance) bool {
			return i.Notifies().DeletedSet && slices.Equal(i.Notifies().Deleted.Argv, []string{"/bin/d"})
		}), nil},
		semRow{"user after the command", inst("notify_master /bin/m nobody nogroup"), in0(func(i vrrp.Instance) bool {
			m := i.Notifies().Master
			return slices.Equal(m.Argv, []string{"/bin/m"}) && m.User == "nobody" && m.Group == "nogroup"
		}), nil},
	)
	runSemRows(t, rows)
}

func TestInstanceDuplicateVRIDs(t *testing.T) {
	two := func(a, b string) string { return inst(a) + strings.Replace(inst(b), "VI_1", "VI_2", 1) }
	uni := "unicast_src_ip 192.0.2.100\nunicast_peer {\n192.0.2.7\n}"
	runSemRows(t, []semRow{
		{"other interface", two("", "interface eth1"), nil, nil},
		{"other group", two("", "mcast_dst_ip 224.0.0.19"), nil, nil},
		{"the default group written out", two("", "mcast_dst_ip 224.0.0.18"), nil,
			[]want{warnAt(9, "VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0")}},
		{"unicast and multicast", two("", uni), nil, nil},
		{"unicast, same source, common peer", two(uni, uni), nil, []want{warnAt(12, "(VI_1) duplicate VRID conflict with VI_2 VRID 51")}},
		{"unicast, other peers", two(uni, strings.Replace(uni, ".7", ".8", 1)), nil, nil},
		{"unicast, no source", two("unicast_peer {\n192.0.2.7\n}", "unicast_peer {\n192.0.2.7\n}"), nil, nil},
		{"IPv4 and IPv6", inst("") + strings.Replace(inst6(""), "VI_1", "VI_2", 1), nil, nil},
	})
}

// Keywords govrrpd does not implement are refused at their line; those
// without effect are Info; newer keepalived keywords name their release.
func TestInstanceRefusedKeywords(t *testing.T) {
	var rows []semRow
	for _, k := range []string{"use_ipvlan", "old_unicast_checksum", "track_src_ip", "garp_extra_if 5", "vmac_garp_intvl 5",
		"kernel_rx_buf_size 1", "promote_secondaries", "vrf red", "linkbeat_use_polling", "use_vmac_addr"} {
		name := strings.Fields(k)[0]
		rows = append(rows, semRow{"refused " + name, inst(k), in0(func(vrrp.Instance) bool { return true }),
			[]want{warnAt(instBody, fmt.Sprintf("'%s' is not supported by govrrpd yet; ignored", name))}})
	}
	for k, v := range map[string]string{"thread_timer_expired": "2.3.2", "no_virtual_ipaddress": "2.2.8"} {
		rows = append(rows, semRow{"newer " + k, inst(k), nil, []want{warnAt(instBody, "'"+k+"' is keepalived "+v+", newer than")}})
	}
	rows = append(rows,
		semRow{"debug", inst("debug 2"), nil, []want{infoAt(instBody, "'debug' has no effect in govrrpd (nor in keepalived)")}},
		semRow{"debug out of range", inst("debug 5"), nil, []want{warnAt(instBody, "debug: number '5' outside range [0, 4]")}},
		semRow{"lvs_sync_daemon_interface", inst("lvs_sync_daemon_interface eth0"), nil,
			[]want{warnAt(instBody, "(VI_1) Specifying lvs_sync_daemon_interface against a vrrp is deprecated. Please use global lvs_sync_daemon")}},
		semRow{"unknown keyword", inst("bogus 1"), nil, []want{warnAt(instBody, "unknown keyword 'bogus' in vrrp_instance VI_1")}},
		semRow{"unknown block", inst("bogus {\nx\n}"), nil, []want{warnAt(instBody, "unknown keyword 'bogus' in vrrp_instance VI_1; its block is skipped")}},
		semRow{"defined twice", inst("") + inst(""), func(c *Config) bool { return len(c.Instances) == 1 },
			[]want{warnAt(9, "vrrp instance VI_1 already defined")}},
		semRow{"no name", "vrrp_instance {\n interface eth0\n}\n", noInstances, []want{warnAt(1, "vrrp_instance must have a name")}},
	)
	runSemRows(t, rows)
}
