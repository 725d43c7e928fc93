package confparse

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Every LVS keyword's value survives the printer: the file it writes holds
// the keyword in its canonical form, reads back without a message, and
// yields the same settings.
func TestSemLVSPrintKeywords(t *testing.T) {
	tf := "track_file tf {\nfile /run/tf\n}\n"
	cases := []struct{ src, line string }{
		{slVS("lb_algo sh\nsh-port\nsh-fallback"), "sh-fallback"},
		{slVS("lb_algo mh\nmh-port"), "mh-port"},
		{slVS("flag-2"), "flag-2"},
		{slVS("lb_kind DR"), "lb_kind DR"},
		{slVS("lb_kind TUN type ipip"), "lb_kind TUN type ipip"},
		{slVS("protocol SCTP"), "protocol SCTP"},
		{slVS("protocol UDP\nops"), "ops"},
		{slVS("persistence_timeout 600"), "persistence_timeout 600"},
		{slVS("persistence_granularity 255.255.255.0"), "persistence_granularity 255.255.255.0"},
		{"virtual_server 2001:db8::1 80 {\nlb_algo rr\nlb_kind NAT\nprotocol TCP\npersistence_granularity 56\nreal_server 2001:db8::10 80 {\n}\n}\n",
			"persistence_granularity 56"},
		{slVS("persistence_engine sip"), "persistence_engine sip"},
		{slVS("delay_loop 2.5"), "delay_loop 2.5"},
		{slVS("delay_loop 7200"), "delay_loop 7200"},
		{slVS("connect_timeout 0.25"), "connect_timeout 0.25"},
		{slVS("retry 4"), "retry 4"},
		{slVS("delay_before_retry 3"), "delay_before_retry 3"},
		{slVS("warmup 0"), "warmup 0"},
		{slVS("alpha"), "alpha"},
		{slVS("omega"), "omega"},
		{slVS("inhibit_on_failure"), "inhibit_on_failure"},
		{slVS("weight 3\nquorum 3\nhysteresis 2"), "hysteresis 2"},
		{slVS("quorum_up \"/bin/up now\""), `quorum_up "/bin/up now"`},
		{slVS("ha_suspend"), "ha_suspend"},
		{slVS("virtualhost www.example.com"), "virtualhost www.example.com"},
		{slVS("smtp_alert off"), "smtp_alert"},
		{slVS("snmp_name web"), "snmp_name web"},
		{slVS("sorry_server 192.0.2.99 8080\nsorry_server_inhibit\nsorry_server_lvs_method DR"), "sorry_server_lvs_method DR"},
		{"virtual_server fwmark 3 {\nlb_algo rr\nlb_kind DR\nip_family inet6\nreal_server 2001:db8::10 {\n}\n}\n", "real_server 2001:db8::10"},
		{"virtual_server_group G {\n192.0.2.1-9 80\n2001:db8::/127 80\nfwmark 4 inet6\n}\n" + vsWith("group G", "192.0.2.10 80"), "fwmark 4 inet6"},
		{slRS("weight 2\nuthreshold 100\nlthreshold 10"), "lthreshold 10"},
		{slRS("lvs_method TUN"), "lvs_method TUN"},
		{slRS("notify_up \"/bin/up x\" nobody"), "notify_up"},
		{slRS("inhibit_on_failure off\nalpha\nsmtp_alert yes"), "inhibit_on_failure"},
		{slRS("retry 2\ndelay_before_retry 1\nwarmup 3\nconnect_timeout 4\ndelay_loop 5"), "delay_loop 5"},
		{slRS("virtualhost r.example\nsnmp_name r"), "virtualhost r.example"},
		{slCk("TCP_CHECK", "connect_ip 192.0.2.5\nconnect_port 81\nbindto 192.0.2.6\nbind_port 4000\nbind_if eth0\nfwmark 7"), "bind_if eth0"},
		{slCk("TCP_CHECK", "retry 0\ndelay_loop 3\nalpha\nlog_all_failures"), "log_all_failures"},
		{slCk("HTTP_GET", "url {\npath /a\nstatus_code 200-299 404\ndigest 640205b7b0fc66c1ea91c463fac6334d\nvirtualhost u\n}\nhttp_protocol 1.1\nfast_recovery"),
			"status_code 200-299 404"},
		{slCk("HTTP_GET", "url {\npath /\nregex \"^ok$\"\nregex_no_match\nregex_options caseless\nregex_min_offset 1\nregex_max_offset 9\n}"), "regex_options caseless"},
		{slCk("SSL_GET", "url {\npath /\n}\nenable_sni\nvirtualhost s"), "enable_sni"},
		{slCk("MISC_CHECK", "misc_path \"/bin/check -x\"\nmisc_timeout 4\nmisc_dynamic\nuser nobody"), "misc_dynamic"},
		{slCk("SMTP_CHECK", "helo_name mx.example"), "helo_name mx.example"},
		{slCk("DNS_CHECK", "type AAAA\nname example.org"), "type AAAA"},
		{slCk("UDP_CHECK", "payload 0a0b\nrequire_reply 0aXX\nmin_reply_length 2\nmax_reply_length 40"), "require_reply 0aXX"},
		{slCk("PING_CHECK", "connect_ip 192.0.2.7"), "PING_CHECK"},
		{tf + slCk("FILE_CHECK", "track_file tf\nweight -3 reverse"), "weight -3 reverse"},
	}
	dir := t.TempDir()
	for i, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			c1, d1 := lvsLoad(t, tc.src)
			if d1.HasErrors() {
				t.Fatalf("input has messages:\n%s", d1)
			}
			var buf bytes.Buffer
			if err := Print(&buf, c1); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), tc.line) {
				t.Errorf("printed file lacks %q:\n%s", tc.line, buf.String())
			}
			p := filepath.Join(dir, "printed"+string(rune('a'+i%26))+".conf")
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			c2, d2 := Load(p, Options{})
			if d2.HasErrors() {
				t.Errorf("printed file has messages:\n%s\n%s", d2, buf.String())
			}
			if a, b := lvsPartOf(c1), lvsPartOf(c2); !reflect.DeepEqual(a, b) {
				t.Errorf("settings differ after printing\nfirst:  %+v\nsecond: %+v\n%s", a, b, buf.String())
			}
		})
	}
}
