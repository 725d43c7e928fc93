package confparse

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
)

// lvsLoad runs the semantic pass over src.
func lvsLoad(t testing.TB, src string) (*Config, Diagnostics) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(p, Options{})
}

// lvsHead is a virtual server header that needs no defaulting.
const lvsHead = "lb_algo rr\nlb_kind NAT\nprotocol TCP\n"

const lvsRS = "real_server 192.0.2.10 80 {\n}\n"

func vsSrc(header, body string) string {
	return "virtual_server " + header + " {\n" + body + "}\n"
}

func lvsHasDiag(ds Diagnostics, sub string) bool {
	for _, d := range ds {
		if strings.Contains(d.Msg, sub) {
			return true
		}
	}
	return false
}

func TestVirtualServerDiagnostics(t *testing.T) {
	cases := []struct {
		name, src, want string
		nvs             int
	}{
		{"fwmark protocol", vsSrc("fwmark 1", lvsHead+lvsRS), "Virtual server FWM 1: protocol specified for fwmark - protocol will be ignored", 1},
		{"protocol defaults to UDP", vsSrc("192.0.2.1 80", "lb_algo rr\nlb_kind NAT\n"+lvsRS), "no protocol set - defaulting to UDP", 1},
		{"missing scheduler", vsSrc("192.0.2.1 80", "lb_kind NAT\nprotocol TCP\n"+lvsRS), "no scheduler set, setting default 'wlc'", 1},
		{"missing method", vsSrc("192.0.2.1 80", "lb_algo rr\nprotocol TCP\n"+lvsRS), "no forwarding method set, setting default NAT", 1},
		{"invalid scheduler", vsSrc("192.0.2.1 80", lvsHead+"lb_algo foo\n"+lvsRS), "Invalid lvs_scheduler 'foo' - ignoring", 1},
		{"invalid method", vsSrc("192.0.2.1 80", lvsHead+"lb_kind XX\n"+lvsRS), "unknown [XX] routing method", 1},
		{"zero port", vsSrc("192.0.2.1", lvsHead+"real_server 192.0.2.10 {\n}\n"), "zero port only valid for persistent services - setting", 1},
		{"duplicate rs", vsSrc("192.0.2.1 80", lvsHead+lvsRS+lvsRS), "is duplicated - removing second rs", 1},
		{"dr port mismatch", vsSrc("192.0.2.1 80", "lb_algo rr\nlb_kind DR\nprotocol TCP\nreal_server 192.0.2.10 81 {\n}\n"), "ports don't match - resetting", 1},
		{"fwmark dr port", vsSrc("fwmark 3", "lb_algo rr\nlb_kind DR\nreal_server 192.0.2.10 81 {\n}\n"), "has port specified - clearing", 1},
		{"no real servers", vsSrc("192.0.2.1 80", lvsHead), "has no real servers - ignoring", 0},
		{"gue without port", vsSrc("192.0.2.1 80", lvsHead+"lb_kind TUN type gue\n"+lvsRS), "gue tunnels require port", 1},
		{"ops needs udp", vsSrc("192.0.2.1 80", lvsHead+"ops\n"+lvsRS), "one packet scheduling requires UDP", 1},
		{"bad header", vsSrc("not-an-ip 80", lvsHead+lvsRS), "invalid address 'not-an-ip'", 0},
		{"undefined group", vsSrc("group NOPE", lvsHead+lvsRS), "no virtual_server_group NOPE is defined", 1},
		{"sorry method alone", vsSrc("192.0.2.1 80", lvsHead+"sorry_server_lvs_method DR\n"+lvsRS), "sorry_server forwarding used without sorry_server", 1},
		{"unknown keyword", vsSrc("192.0.2.1 80", lvsHead+"bogus 1\n"+lvsRS), "unknown keyword 'bogus'", 1},
		{"quorum range", vsSrc("192.0.2.1 80", lvsHead+"quorum 0\n"+lvsRS), "outside range", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, ds := lvsLoad(t, tc.src)
			if !lvsHasDiag(ds, tc.want) {
				t.Errorf("missing diagnostic %q in:\n%s", tc.want, ds)
			}
			if ds.ExitCode() != int(Warning) {
				t.Errorf("exit code %d, want %d", ds.ExitCode(), Warning)
			}
			if len(c.VirtualServers) != tc.nvs {
				t.Errorf("%d virtual servers, want %d", len(c.VirtualServers), tc.nvs)
			}
		})
	}
}

func TestVirtualServerDefaults(t *testing.T) {
	c, ds := lvsLoad(t, vsSrc("192.0.2.1 80", "real_server 192.0.2.10 80 {\n}\nreal_server 192.0.2.11 80 {\nweight 0\n}\nweight 3\n"))
	if len(c.VirtualServers) != 1 {
		t.Fatalf("no virtual server: %s", ds)
	}
	vs := c.VirtualServers[0]
	if vs.Protocol != ipvs.UDP || vs.Scheduler != "wlc" || vs.Forwarding.Method != ipvs.NAT {
		t.Errorf("defaults: protocol %v scheduler %q method %v", vs.Protocol, vs.Scheduler, vs.Forwarding.Method)
	}
	if vs.DelayLoop != 60*time.Second || vs.ConnectTimeout != 5*time.Second || vs.Retry != -1 || vs.Quorum != 1 {
		t.Errorf("timers: %+v", vs)
	}
	// The real server without weight takes the virtual server's, even when
	// weight comes after it; weight 0 is kept.
	if vs.Reals[0].Weight != 3 || vs.Reals[1].Weight != 0 {
		t.Errorf("weights %d %d, want 3 0", vs.Reals[0].Weight, vs.Reals[1].Weight)
	}
	if vs.Family != 4 || vs.Key() != "192.0.2.1:80/UDP" {
		t.Errorf("family %d key %s", vs.Family, vs.Key())
	}
}

func TestVirtualServerKeywords(t *testing.T) {
	cases := []struct {
		name, header, body string
		check              func(*ipvs.VirtualServer) bool
	}{
		{"lvs_sched synonym", "192.0.2.1 80", "lvs_sched sh\n", func(v *ipvs.VirtualServer) bool { return v.Scheduler == "sh" }},
		{"protocol case", "192.0.2.1 80", "protocol sctp\n", func(v *ipvs.VirtualServer) bool { return v.Protocol == ipvs.SCTP }},
		{"bare persistence", "192.0.2.1 80", "persistence_timeout\n", func(v *ipvs.VirtualServer) bool { return v.Persistence == 360*time.Second }},
		{"persistence", "192.0.2.1 80", "persistence_timeout 50\n", func(v *ipvs.VirtualServer) bool { return v.Persistence == 50*time.Second }},
		{"granularity v4", "192.0.2.1 80", "persistence_granularity 255.255.255.0\n", func(v *ipvs.VirtualServer) bool {
			return v.Options().PersistenceGranularity == netip.MustParseAddr("255.255.255.0")
		}},
		{"granularity v6", "2001:db8::1 80", "persistence_granularity 64\n", func(v *ipvs.VirtualServer) bool { return lvsMaskLen(v.Options().PersistenceGranularity) == 64 }},
		{"tunnel", "192.0.2.1 80", "lb_kind TUN type gue port 6080 remcsum\n", func(v *ipvs.VirtualServer) bool {
			return v.Forwarding == ipvs.Forwarding{Method: ipvs.TUN, TunType: "gue", TunPort: 6080, TunCsum: "remcsum"}
		}},
		{"sched flags", "192.0.2.1 80", "lb_algo sh\nsh-port\nsh-fallback\nsh-port\n", func(v *ipvs.VirtualServer) bool {
			return strings.Join(v.Options().SchedFlags, ",") == "sh-port,sh-fallback"
		}},
		{"timers", "192.0.2.1 80", "delay_loop 2.5\nconnect_timeout 3\nretry 4\ndelay_before_retry 0.5\nwarmup 0\n", func(v *ipvs.VirtualServer) bool {
			return v.DelayLoop == 2500*time.Millisecond && v.ConnectTimeout == 3*time.Second && v.Retry == 4 &&
				v.DelayBeforeRetry == 500*time.Millisecond && v.WarmupSet && v.Warmup == 0
		}},
		{"flags", "192.0.2.1 80", "alpha\nomega\ninhibit_on_failure\nha_suspend\nsmtp_alert off\n", func(v *ipvs.VirtualServer) bool {
			return v.Alpha && v.Omega && v.InhibitOnFailure && v.Options().HASuspend && v.Options().SMTPAlertSet && !v.Options().SMTPAlert
		}},
		{"quorum", "192.0.2.1 80", "weight 7\nquorum 7\nhysteresis 2\nquorum_up /bin/up\nquorum_down \"/bin/down now\"\n", func(v *ipvs.VirtualServer) bool {
			return v.Quorum == 7 && v.Options().Hysteresis == 2 && v.Options().QuorumUp != nil && v.Options().QuorumUp.Raw == "/bin/up" && v.Options().QuorumDown != nil && v.Options().QuorumDown.Raw == "/bin/down now"
		}},
		{"sorry", "192.0.2.1 80", "sorry_server 192.0.2.99 80\nsorry_server_lvs_method DR\nsorry_server_inhibit\n", func(v *ipvs.VirtualServer) bool {
			return v.Options().Sorry != nil && v.Options().Sorry.Addr == netip.MustParseAddrPort("192.0.2.99:80") && v.Options().SorryInhibit &&
				v.Options().Sorry.Forwarding != nil && v.Options().Sorry.Forwarding.Method == ipvs.DR
		}},
		{"names", "192.0.2.1 80", "virtualhost www.example.com\nsnmp_name web\n", func(v *ipvs.VirtualServer) bool {
			return v.Options().Virtualhost == "www.example.com" && v.Options().SNMPName == "web"
		}},
		{"fwmark family", "fwmark 5", "ip_family inet6\n", func(v *ipvs.VirtualServer) bool { return v.Family == 6 && v.Key() == "fwmark 5/6" }},
		{"ipv6", "2001:db8::1 443", "", func(v *ipvs.VirtualServer) bool { return v.Family == 6 && v.Addr.Port() == 443 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := lvsRS // of the service's family: another is skipped
			if strings.Contains(tc.header, ":") || strings.Contains(tc.body, "inet6") {
				rs = "real_server 2001:db8::10 80 {\n}\n"
			}
			c, ds := lvsLoad(t, vsSrc(tc.header, lvsHead+tc.body+rs))
			if len(c.VirtualServers) != 1 {
				t.Fatalf("no virtual server: %s", ds)
			}
			if !tc.check(&c.VirtualServers[0]) {
				t.Errorf("unexpected result %+v\n%s", c.VirtualServers[0], ds)
			}
		})
	}
}

func TestRealServerKeywords(t *testing.T) {
	src := vsSrc("192.0.2.1 80", lvsHead+`real_server 192.0.2.10 80 {
    weight 5
    lvs_method TUN type ipip
    notify_up "/bin/up arg" nobody
    notify_down /bin/down
    uthreshold 100
    lthreshold 10
    inhibit_on_failure false
    alpha
    retry 2
    delay_before_retry 4
    warmup 1
    connect_timeout 2
    delay_loop 9
    smtp_alert no
    virtualhost rs.example.com
    snmp_name rs1
}
`)
	c, ds := lvsLoad(t, src)
	if ds.ExitCode() != 0 {
		t.Fatalf("diagnostics:\n%s", ds)
	}
	rs := c.VirtualServers[0].Reals[0]
	if rs.Weight != 5 || rs.Forwarding == nil || rs.Forwarding.TunType != "ipip" || rs.UThreshold != 100 || rs.LThreshold != 10 {
		t.Errorf("rs %+v", rs)
	}
	if rs.Options().NotifyUp.Raw != "/bin/up arg" || rs.Options().NotifyUp.User != "nobody" || rs.Options().NotifyDown.Raw != "/bin/down" {
		t.Errorf("notify %+v %+v", rs.Options().NotifyUp, rs.Options().NotifyDown)
	}
	if rs.Inhibit == nil || *rs.Inhibit || rs.Options().Alpha == nil || !*rs.Options().Alpha || rs.Options().SMTPAlert == nil || *rs.Options().SMTPAlert {
		t.Errorf("bools %v %v %v", rs.Inhibit, rs.Options().Alpha, rs.Options().SMTPAlert)
	}
	if *rs.Options().Retry != 2 || *rs.Options().DelayBeforeRetry != 4*time.Second || *rs.Options().Warmup != time.Second ||
		rs.Options().ConnectTimeout != 2*time.Second || rs.Options().DelayLoop != 9*time.Second {
		t.Errorf("timers %+v", rs)
	}
	if rs.Options().Virtualhost != "rs.example.com" || rs.Options().SNMPName != "rs1" {
		t.Errorf("names %+v", rs)
	}
}

func TestServerGroups(t *testing.T) {
	src := `virtual_server_group G {
    192.0.2.1 8080
    192.0.2.3-10 80
    192.0.2.20-192.0.2.30 80
    192.0.2.64/29 80
    192.0.2.5
    fwmark 7
    fwmark 8 inet6
    192.0.2.12-9 80
    192.0.2.1-1.2.3.4 80
    junk
}
virtual_server_group V6 {
    2001:db8::2-9 80
    2001:db8::1 80
    fwmark 1
}
virtual_server_group MIX {
    192.0.2.1 80
    2001:db8::1 80
    fwmark 1
}
`
	c, ds := lvsLoad(t, src)
	for _, want := range []string{
		"Address range end is not greater than address range start - 192.0.2.12-9",
		"Address range end is less than address range start - 192.0.2.1-1.2.3.4",
		"Invalid virtual server group IP address junk",
		"virtual server group MIX cannot have IPv4, IPv6 and fwmark without family - removing",
	} {
		if !lvsHasDiag(ds, want) {
			t.Errorf("missing %q in\n%s", want, ds)
		}
	}
	if len(c.ServerGroups) != 2 {
		t.Fatalf("%d groups, want 2", len(c.ServerGroups))
	}
	a := netip.MustParseAddr
	want := []ipvs.GroupEntry{
		{First: a("192.0.2.1"), Last: a("192.0.2.1"), Port: 8080, Family: 4},
		{First: a("192.0.2.3"), Last: a("192.0.2.10"), Port: 80, Family: 4},
		{First: a("192.0.2.20"), Last: a("192.0.2.30"), Port: 80, Family: 4},
		{First: a("192.0.2.64"), Last: a("192.0.2.71"), Port: 80, Family: 4},
		{First: a("192.0.2.5"), Last: a("192.0.2.5"), Family: 4},
		{FWMark: 7, Family: 4},
		{FWMark: 8, Family: 6},
	}
	g := c.ServerGroups[0].Entries
	if len(g) != len(want) {
		t.Fatalf("entries %+v", g)
	}
	for i := range want {
		if g[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, g[i], want[i])
		}
	}
	v6 := c.ServerGroups[1].Entries
	if v6[0].First != a("2001:db8::2") || v6[0].Last != a("2001:db8::9") || v6[2].Family != 6 {
		t.Errorf("IPv6 group %+v", v6)
	}
}
