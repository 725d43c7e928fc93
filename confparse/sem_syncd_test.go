package confparse

import (
	"strings"
	"testing"
)

// TestLvsSyncDaemon checks lvs_sync_daemon against keepalived 2.2.7 -t,
// measured in a namespace holding eth0 (exit codes and messages below are
// keepalived's).
func TestLvsSyncDaemon(t *testing.T) {
	inst := "vrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 51\npriority 100\nvirtual_ipaddress {\n192.0.2.1\n}\n}\n"
	cases := []struct {
		args  string
		diags []string
		code  int
		want  string // the settings as the printer writes them; "" = none
	}{
		{"eth0 VI_1", nil, 0, "lvs_sync_daemon eth0 VI_1"},
		{"eth0 inst VI_1 id 7", nil, 0, "lvs_sync_daemon eth0 VI_1 id 7"},
		{"eth0 VI_1 group 239.1.1.1 port 9000 ttl 3 maxlen 1400", nil, 0,
			"lvs_sync_daemon eth0 VI_1 maxlen 1400 port 9000 ttl 3 group 239.1.1.1"},
		{"eth0 VI_1 group ff02::1", nil, 0, "lvs_sync_daemon eth0 VI_1 group ff02::1"},
		{"eth1 VI_1", nil, 0, "lvs_sync_daemon eth1 VI_1"}, // keepalived does not check it either
		{"eth0", nil, 0, "lvs_sync_daemon eth0"},           // the daemon finds out at start
		{"eth0 VI_X", nil, 0, "lvs_sync_daemon eth0 VI_X"}, // likewise
		{"eth0 inst VI_1 id 300", []string{"number '300' outside range [0, 255]", "Invalid syncid (300) - defaulting to vrid"}, 5,
			"lvs_sync_daemon eth0 VI_1"},
		{"eth0 VI_1 7", []string{`Please use keyword "id" before lvs_sync_daemon SYNCID`}, 5, "lvs_sync_daemon eth0 VI_1 id 7"},
		{"eth0 VI_1 id 3 maxlen 0 port 0 ttl 0 group 10.0.0.1", []string{
			"Invalid lvs_sync_daemon maxlen (0) - ignoring", "Invalid lvs_sync_daemon port (0) - ignoring",
			"Invalid lvs_sync_daemon ttl (0) - ignoring", "lvs_sync_daemon group address 10.0.0.1 is not multicast - ignoring"}, 5,
			"lvs_sync_daemon eth0 VI_1 id 3"},
		{"eth0 VI_1 bogus 4 group ff02::1", []string{"Invalid syncid (bogus) - defaulting to vrid",
			"Unknown option 4 specified for lvs_sync_daemon"}, 5, "lvs_sync_daemon eth0 VI_1 group ff02::1"},
		{"eth0 VI_1 id", []string{"No value specified for lvs_sync_daemon id, defaulting to vrid"}, 5, "lvs_sync_daemon eth0 VI_1"},
		{"eth0 VI_1 group", []string{"No value specified for lvs_sync_daemon group - ignoring"}, 5, "lvs_sync_daemon eth0 VI_1"},
		{"eth0 VI_1 group foo", []string{"Invalid lvs_sync_daemon group (foo) - ignoring"}, 5, "lvs_sync_daemon eth0 VI_1"},
		{"eth0123456789abcdef VI_1", []string{"lvs_sync_daemon interface name 'eth0123456789abcdef' too long - ignoring"}, 5, ""},
	}
	for _, tc := range cases {
		t.Run(tc.args, func(t *testing.T) {
			c, d := loadString(t, "global_defs {\nlvs_sync_daemon "+tc.args+"\n}\n"+inst)
			for _, m := range tc.diags {
				if !strings.Contains(d.String(), m) {
					t.Errorf("missing %q in:\n%s", m, d)
				}
			}
			if got := d.ExitCode(); got != tc.code {
				t.Errorf("exit %d, want %d:\n%s", got, tc.code, d)
			}
			var got string
			for _, w := range ipvsGlobalLines(c) {
				if w[0] == "lvs_sync_daemon" {
					got = strings.Join(w, " ")
				}
			}
			if got != tc.want {
				t.Errorf("settings %q, want %q", got, tc.want)
			}
		})
	}
	_, d := loadString(t, "global_defs {\nlvs_sync_daemon eth0 VI_1\nlvs_sync_daemon eth1 VI_1\n}\n"+inst)
	if !strings.Contains(d.String(), "lvs_sync_daemon has already been specified as eth0 VI_1 - ignoring") {
		t.Errorf("second lvs_sync_daemon:\n%s", d)
	}
}

// TestUnsupportedIPVS: what the netlink backend cannot send is refused at
// -t with its line (ipvs.ErrUnsupported at run time).
func TestUnsupportedIPVS(t *testing.T) {
	vs := func(head, method, reals string) string {
		return "virtual_server " + head + " {\nlb_algo rr\nprotocol TCP\n" + method + "\n" + reals + "}\n"
	}
	rs := func(addr string) string { return "real_server " + addr + " {\nweight 1\n}\n" }
	cases := []struct {
		name, src, msg string
		line           int
	}{
		{"gue", vs("192.0.2.1 80", "lvs_method TUN type gue port 6080", rs("198.51.100.2 80")), "'lvs_method TUN type gue port 6080' is not supported by govrrpd", 4},
		{"gre", vs("192.0.2.1 80", "lvs_method TUN type gre", rs("198.51.100.2 80")), "type gre' is not supported by govrrpd", 4},
		{"nocsum", vs("192.0.2.1 80", "lvs_method TUN nocsum", rs("198.51.100.2 80")), "TUN nocsum' is not supported by govrrpd", 4},
		{"real server method", vs("192.0.2.1 80", "lvs_method DR", "real_server 198.51.100.2 80 {\nlvs_method TUN type gre csum\n}\n"),
			"is not supported by govrrpd", 6},
		{"v4 in v6", vs("2001:db8::1 80", "lvs_method TUN", rs("198.51.100.2 80")), "IPv4 real server 198.51.100.2:80 in an IPv6 service is not supported", 5},
		{"v6 in v4", vs("192.0.2.1 80", "lvs_method TUN", rs("2001:db8::2 80")), "IPv6 real server [2001:db8::2]:80 in an IPv4 service is not supported", 5},
		{"v4 then v6 in fwmark", vs("fwmark 7", "lvs_method DR", rs("198.51.100.2")+rs("2001:db8::2")),
			"Address family of virtual server and real server 2001:db8::2 don't match - skipping real server.", 8},
		{"v4 then v6 tunnel in fwmark", vs("fwmark 7", "lvs_method TUN", rs("198.51.100.2")+rs("2001:db8::2")), "IPv6 real server", 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, d := loadString(t, tc.src)
			found := false
			for _, x := range d {
				if strings.Contains(x.Msg, tc.msg) && x.Pos.Line == tc.line {
					found = true
				}
			}
			if !found || d.ExitCode() == 0 {
				t.Errorf("want %q on line %d, non-zero exit; got exit %d:\n%s", tc.msg, tc.line, d.ExitCode(), d)
			}
		})
	}
	_, d := loadString(t, vs("192.0.2.1 80", "lvs_method TUN type ipip", rs("198.51.100.2 80")))
	if strings.Contains(d.String(), "not supported") {
		t.Errorf("ipip refused:\n%s", d)
	}
}
