package confparse

import (
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
)

// inGlobalLVS is global_defs with line at line 2 and one VRRP instance
// for lvs_sync_daemon to name.
func inGlobalLVS(line string) string {
	return "global_defs {\n" + line + "\n}\nvrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 51\npriority 100\n" +
		"virtual_ipaddress {\n192.0.2.1\n}\n}\n"
}

// lvs_timeouts, checked against keepalived 2.2.7 -t.
func TestSemLVSTimeouts(t *testing.T) {
	to := func(c *Config) any { return c.IPVS.Timeouts }
	s := time.Second
	slRun(t, []slRow{
		{"absent", inGlobalLVS(""), to, ipvs.Timeouts{}, nil},
		{"all", inGlobalLVS("lvs_timeouts tcp 900 tcpfin 120 udp 300"), to, ipvs.Timeouts{TCP: 900 * s, TCPFin: 120 * s, UDP: 300 * s}, nil},
		{"any order", inGlobalLVS("lvs_timeouts udp 2678400 tcpfin 1"), to, ipvs.Timeouts{TCPFin: s, UDP: 2678400 * s}, nil},
		{"zero is the kernel's", inGlobalLVS("lvs_timeouts tcp 0"), to, ipvs.Timeouts{}, nil},
		{"repeated", inGlobalLVS("lvs_timeouts tcp 5 tcp 6"), to, ipvs.Timeouts{TCP: 6 * s}, nil},
		{"too long", inGlobalLVS("lvs_timeouts tcp 2678401 udp 9"), to, ipvs.Timeouts{UDP: 9 * s},
			[]slDiag{slW(2, "lvs_timeouts: number '2678401' outside range [0, 2678400]")}},
		{"word", inGlobalLVS("lvs_timeouts tcpfin soon"), to, ipvs.Timeouts{}, []slDiag{slW(2, "lvs_timeouts: invalid number 'soon'")}},
		{"unknown option", inGlobalLVS("lvs_timeouts foo 3 udp 4"), to, ipvs.Timeouts{UDP: 4 * s},
			[]slDiag{slW(2, "Unknown option foo specified for lvs_timeouts"), slW(2, "Unknown option 3 specified for lvs_timeouts")}},
		{"option alone", inGlobalLVS("lvs_timeouts tcp"), to, ipvs.Timeouts{}, []slDiag{slW(2, "lvs_timeouts requires at least one option")}},
		{"value missing", inGlobalLVS("lvs_timeouts tcp 5 udp"), to, ipvs.Timeouts{TCP: 5 * time.Second}, []slDiag{slW(2, "No value specified for lvs_timeout udp - ignoring")}},
		{"bare", inGlobalLVS("lvs_timeouts"), to, ipvs.Timeouts{}, []slDiag{slW(2, "lvs_timeouts requires at least one option")}},
	})
}

func TestSemLVSFlush(t *testing.T) {
	g := func(c *Config) any { return []bool{c.IPVS.Flush, c.IPVS.FlushOnStop, c.IPVS.RSInitNotifies} }
	slRun(t, []slRow{
		{"absent", inGlobalLVS(""), g, []bool{false, false, false}, nil},
		{"lvs_flush", inGlobalLVS("lvs_flush"), g, []bool{true, false, false}, nil},
		{"lvs_flush_on_stop", inGlobalLVS("lvs_flush_on_stop"), g, []bool{false, true, false}, nil},
		{"old spelling", inGlobalLVS("lvs_flush_onstop"), g, []bool{false, true, false},
			[]slDiag{slI(2, "'lvs_flush_onstop' is deprecated - please use 'lvs_flush_on_stop'")}},
		{"VS only", inGlobalLVS("lvs_flush_on_stop VS"), g, []bool{false, true, false},
			[]slDiag{slW(2, "'lvs_flush_on_stop VS' is not supported by govrrpd yet; the whole table is flushed")}},
		{"unknown option", inGlobalLVS("lvs_flush_on_stop all"), g, []bool{false, true, false},
			[]slDiag{slW(2, "lvs_flush_on_stop: unknown option 'all'")}},
		{"rs_init_notifies", inGlobalLVS("rs_init_notifies"), g, []bool{false, false, true}, nil},
		{"lvs_notify_fifo", inGlobalLVS("lvs_notify_fifo /run/lvs.fifo"), func(c *Config) any { return c.Global.LVSNotifyFIFO },
			"/run/lvs.fifo", nil},
		{"lvs_notify_fifo bare", inGlobalLVS("lvs_notify_fifo"), func(c *Config) any { return c.Global.LVSNotifyFIFO }, "",
			[]slDiag{slW(2, "'lvs_notify_fifo' needs a value")}},
	})
}

// The lvs_sync_daemon settings as fields (sem_syncd_test.go checks the
// printed form and keepalived's messages for the rest).
func TestSemLVSSyncDaemonFields(t *testing.T) {
	sd := func(c *Config) any { return c.IPVS.SyncDaemon }
	def := func(f func(*ipvs.SyncDaemon)) *ipvs.SyncDaemon {
		d := &ipvs.SyncDaemon{Interface: "eth0", Instance: "VI_1", ID: -1, Port: ipvs.DefaultSyncPort, TTL: ipvs.DefaultSyncTTL}
		f(d)
		return d
	}
	same := func(*ipvs.SyncDaemon) {}
	slRun(t, []slRow{
		{"absent", inGlobalLVS(""), sd, (*ipvs.SyncDaemon)(nil), nil},
		{"defaults", inGlobalLVS("lvs_sync_daemon eth0 VI_1"), sd, def(same), nil},
		{"no instance", inGlobalLVS("lvs_sync_daemon eth0"), sd, def(func(d *ipvs.SyncDaemon) { d.Instance = "" }), nil},
		{"bounds", inGlobalLVS("lvs_sync_daemon eth0 VI_1 id 0 maxlen 65507 port 65535 ttl 255"), sd, def(func(d *ipvs.SyncDaemon) {
			d.ID, d.MaxLen, d.Port, d.TTL = 0, 65507, 65535, 255
		}), nil},
		{"lowest", inGlobalLVS("lvs_sync_daemon eth0 inst VI_1 id 255 maxlen 1 port 1 ttl 1"), sd, def(func(d *ipvs.SyncDaemon) {
			d.ID, d.MaxLen, d.Port, d.TTL = 255, 1, 1, 1
		}), nil},
		{"maxlen too long", inGlobalLVS("lvs_sync_daemon eth0 VI_1 maxlen 65508"), sd, def(same), []slDiag{
			slW(2, "lvs_sync_daemon: number '65508' outside range [1, 65507]"), slW(2, "Invalid lvs_sync_daemon maxlen (65508) - ignoring")}},
		{"port too large", inGlobalLVS("lvs_sync_daemon eth0 VI_1 port 65536"), sd, def(same), []slDiag{
			slW(2, "number '65536' outside range [1, 65535]"), slW(2, "Invalid lvs_sync_daemon port (65536) - ignoring")}},
		{"ttl too large", inGlobalLVS("lvs_sync_daemon eth0 VI_1 ttl 256"), sd, def(same), []slDiag{
			slW(2, "number '256' outside range [1, 255]"), slW(2, "Invalid lvs_sync_daemon ttl (256) - ignoring")}},
		{"group v4", inGlobalLVS("lvs_sync_daemon eth0 VI_1 group 239.0.0.9"), sd, def(func(d *ipvs.SyncDaemon) { d.Group = "239.0.0.9" }), nil},
		{"interface of 15", inGlobalLVS("lvs_sync_daemon eth0123456789ab VI_1"), sd, def(func(d *ipvs.SyncDaemon) { d.Interface = "eth0123456789ab" }), nil},
		{"second inst", inGlobalLVS("lvs_sync_daemon eth0 VI_1 inst VI_2"), sd, def(same),
			[]slDiag{slW(2, "lvs_sync_daemon vrrp instance has already been specified as VI_1 - ignoring")}},
		{"inst without value", inGlobalLVS("lvs_sync_daemon eth0 inst"), sd, def(func(d *ipvs.SyncDaemon) { d.Instance = "" }),
			[]slDiag{{Stop, 2, "missing a parameter after keyword `inst` at word position 4"}}},
		{"requires interface", inGlobalLVS("lvs_sync_daemon"), sd, (*ipvs.SyncDaemon)(nil), []slDiag{slW(2, "lvs_sync_daemon requires interface")}},
	})
}

// Keywords keepalived 2.2.7 knows for its checker process: govrrpd has no
// such process, so each is a note, never a silent no-op; the ones it will
// implement are warnings.
func TestSemLVSGlobalNotes(t *testing.T) {
	var rows []slRow
	for _, k := range []string{"checker_process_name x", "lvs_process_name x", "checker_priority -5", "checker_no_swap",
		"checker_rt_priority 1", "checker_cpu_affinity 0", "checker_rlimit_rttime 1000",
		"lvs_netlink_cmd_rcv_bufs 1024", "lvs_netlink_monitor_rcv_bufs 1024"} {
		key := strings.Fields(k)[0]
		rows = append(rows, slRow{key, inGlobalLVS(k), nil, nil, []slDiag{slI(2, "'"+key+"' has no effect in govrrpd")}})
	}
	for _, k := range []string{"checker_log_all_failures", "no_checker_emails", "lvs_notify_fifo_script /bin/x", "nftables_ipvs"} {
		key := strings.Fields(k)[0]
		rows = append(rows, slRow{key, inGlobalLVS(k), nil, nil, []slDiag{slW(2, "'"+key+"' is not supported by govrrpd yet; ignored")}})
	}
	slRun(t, rows)
}
