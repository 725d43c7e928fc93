package confparse

import (
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
)

// rsHdr is a virtual server (method DR) holding real servers with the
// given headers, one per line from line 5, each an empty block on one line.
func rsHdr(vsHdr string, reals ...string) string {
	s := "virtual_server " + vsHdr + " {\nlb_algo rr\nlb_kind DR\nprotocol TCP\n"
	for _, r := range reals {
		s += "real_server " + r + " { }\n"
	}
	return s + "}\n"
}

func rsAddrs(c *Config) any {
	var out []string
	for _, r := range vs0(c).Reals {
		out = append(out, r.Addr.String())
	}
	return out
}

// The real server header, the port rules of each method and duplicates.
func TestSemLVSRealHeader(t *testing.T) {
	nat := func(reals ...string) string {
		s := slHead
		for _, r := range reals {
			s += "real_server " + r + " { }\n"
		}
		return s + "}\n"
	}
	slRun(t, []slRow{
		{"nat keeps ports", nat("192.0.2.10 8080", "192.0.2.11"), rsAddrs, []string{"192.0.2.10:8080", "192.0.2.11:0"}, nil},
		{"dr takes the service port", rsHdr("192.0.2.1 80", "192.0.2.10"), rsAddrs, []string{"192.0.2.10:80"}, nil},
		{"dr other port", rsHdr("192.0.2.1 80", "192.0.2.10 81"), rsAddrs, []string{"192.0.2.10:80"},
			[]slDiag{slW(5, "WARNING - virtual server [192.0.2.1]:tcp:80 and real server 192.0.2.10:81 ports don't match - resetting")}},
		{"ports reset then duplicate", rsHdr("192.0.2.1 80", "192.0.2.10 81", "192.0.2.10 82"), rsAddrs, []string{"192.0.2.10:80"},
			[]slDiag{slW(5, "ports don't match"), slW(6, "ports don't match"),
				slW(6, "VS [192.0.2.1]:tcp:80: real server 192.0.2.10:80 is duplicated - removing second rs")}},
		{"own NAT in a DR service", rsHdr("192.0.2.1 80", "192.0.2.10 81 {\nlvs_method NAT\n}\nreal_server 192.0.2.11 82"),
			rsAddrs, []string{"192.0.2.10:81", "192.0.2.11:80"}, []slDiag{slW(8, "192.0.2.11:82 ports don't match")}},
		{"own DR in a NAT service", nat("192.0.2.10 81 {\nlvs_method DR\n}\nreal_server 192.0.2.11 82"),
			rsAddrs, []string{"192.0.2.10:80", "192.0.2.11:82"}, []slDiag{slW(5, "192.0.2.10:81 ports don't match")}},
		{"fwmark clears ports", rsHdr("fwmark 2", "192.0.2.10 81", "192.0.2.11"), rsAddrs, []string{"192.0.2.10:0", "192.0.2.11:0"},
			[]slDiag{slW(1, "protocol specified for fwmark"),
				slW(5, "WARNING - fwmark virtual server FWM 2, real server 192.0.2.10:81 has port specified - clearing")}},
		{"group keeps ports", "virtual_server_group G {\n192.0.2.1 80\n}\n" + rsHdr("group G", "192.0.2.10 81"),
			rsAddrs, []string{"192.0.2.10:81"}, nil},
		{"ipv6", rsHdr("2001:db8::1 80", "2001:db8::10 80"), rsAddrs, []string{"[2001:db8::10]:80"}, nil},
		{"no address", rsHdr("192.0.2.1 80", "", "192.0.2.11 80"), rsAddrs, []string{"192.0.2.11:80"},
			[]slDiag{{Stop, 5, "keyword `real_server` at word position 2"}}},
		{"bad address", rsHdr("192.0.2.1 80", "192.0.2 80", "192.0.2.11 80"), rsAddrs, []string{"192.0.2.11:80"},
			[]slDiag{slW(5, "real_server: invalid address '192.0.2' - skipping block")}},
		{"bad port", rsHdr("192.0.2.1 80", "192.0.2.10 -1", "192.0.2.11 80"), rsAddrs, []string{"192.0.2.11:80"},
			[]slDiag{slW(5, "real_server: invalid port '-1' - skipping block")}},
		{"only bad ones", rsHdr("192.0.2.1 80", "192.0.2.10 99999"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(5, "invalid port '99999'"), slW(1, "Virtual server [192.0.2.1]:tcp:80 has no real servers - ignoring")}},
		{"family mismatch", rsHdr("192.0.2.1 80", "2001:db8::10 80", "192.0.2.11 80"), rsAddrs, []string{"192.0.2.11:80"},
			[]slDiag{slW(5, "Address family of virtual server and real server 2001:db8::10 don't match - skipping real server.")}},
		{"family mismatch in a tunnel", rsHdr("192.0.2.1 80", "2001:db8::10 80 {\nlvs_method TUN\n}\nreal_server 192.0.2.11 80"), rsAddrs,
			[]string{"[2001:db8::10]:80", "192.0.2.11:80"},
			[]slDiag{slW(5, "Virtual server [192.0.2.1]:tcp:80: IPv6 real server [2001:db8::10]:80 in an IPv4 service is not supported by govrrpd")}},
		{"unknown keyword", slRS("speed 10"), nil, nil, []slDiag{slW(lineRS, "unknown keyword 'speed' in real_server")}},
	})
}

// weight: the real server's own, or the virtual server's wherever in the
// block that is set.
func TestSemLVSRealWeight(t *testing.T) {
	w := func(c *Config) any {
		var out []int
		for _, r := range vs0(c).Reals {
			out = append(out, r.Weight)
		}
		return out
	}
	two := func(vsBody, rs1, rs2 string) string {
		return slHead + vsBody + "\nreal_server 192.0.2.10 80 {\n" + rs1 + "\n}\nreal_server 192.0.2.11 80 {\n" + rs2 + "\n}\n}\n"
	}
	slRun(t, []slRow{
		{"default 1", two("", "", ""), w, []int{1, 1}, nil},
		{"own", two("", "weight 3", ""), w, []int{3, 1}, nil},
		{"zero kept", two("weight 4", "weight 0", ""), w, []int{0, 4}, nil},
		{"largest", two("", "weight 2147483647", ""), w, []int{2147483647, 1}, nil},
		{"service weight after the servers", slHead + "real_server 192.0.2.10 80 {\n}\nweight 6\n}\n", w, []int{6}, nil},
		{"negative", two("", "weight -1", ""), w, []int{1, 1}, []slDiag{slW(7, "weight: number '-1' outside range [0, 2147483647]")}},
		{"bad keeps the service's", two("weight 5", "weight heavy", ""), w, []int{5, 5}, []slDiag{slW(7, "weight: invalid number 'heavy'")}},
		{"bare", slRS("weight"), w, []int{1}, []slDiag{{Stop, lineRS, "keyword `weight`"}}},
	})
}

func TestSemLVSRealOptions(t *testing.T) {
	r := func(f func(*ipvs.RealServer) any) func(*Config) any { return func(c *Config) any { return f(rs0(c)) } }
	thr := r(func(x *ipvs.RealServer) any { return []uint32{x.UThreshold, x.LThreshold} })
	fwd := r(func(x *ipvs.RealServer) any { return x.Forwarding })
	slRun(t, []slRow{
		{"thresholds", slRS("uthreshold 4294967295\nlthreshold 0"), thr, []uint32{4294967295, 0}, nil},
		{"thresholds absent", slRS(""), thr, []uint32{0, 0}, nil},
		{"uthreshold negative", slRS("uthreshold -5"), thr, []uint32{0, 0},
			[]slDiag{slW(lineRS, "uthreshold: number '-5' outside range [0, 4294967295]")}},
		{"lthreshold word", slRS("lthreshold low"), thr, []uint32{0, 0}, []slDiag{slW(lineRS, "lthreshold: invalid number 'low'")}},
		{"uthreshold bare", slRS("uthreshold"), thr, []uint32{0, 0}, []slDiag{{Stop, lineRS, "keyword `uthreshold`"}}},
		{"method absent", slRS(""), fwd, (*ipvs.Forwarding)(nil), nil},
		{"method TUN", slRS("lvs_method TUN"), fwd, &ipvs.Forwarding{Method: ipvs.TUN}, nil},
		{"method ipip", slRS("lvs_method TUN type ipip"), fwd, &ipvs.Forwarding{Method: ipvs.TUN, TunType: "ipip"}, nil},
		{"method gre", slRS("lvs_method TUN type gre"), fwd, &ipvs.Forwarding{Method: ipvs.TUN, TunType: "gre"},
			[]slDiag{slW(lineRS, "'lvs_method TUN type gre' is not supported by govrrpd")}},
		{"method unknown", slRS("lvs_method FULLNAT"), fwd, (*ipvs.Forwarding)(nil),
			[]slDiag{slW(lineRS, "PARSER : unknown [FULLNAT] routing method")}},
		{"method bad tunnel", slRS("lvs_method TUN type"), fwd, (*ipvs.Forwarding)(nil),
			[]slDiag{slW(lineRS, "lvs_method: tunnel type missing")}},
		{"lb_kind is not a real server keyword", slRS("lb_kind DR"), fwd, (*ipvs.Forwarding)(nil),
			[]slDiag{slW(lineRS, "unknown keyword 'lb_kind' in real_server")}},
		{"virtualhost", slRS("virtualhost rs.example"), r(func(x *ipvs.RealServer) any { return x.Options().Virtualhost }), "rs.example", nil},
		{"virtualhost bare", slRS("virtualhost"), r(func(x *ipvs.RealServer) any { return x.Options().Virtualhost }), "",
			[]slDiag{slW(lineRS, "'virtualhost' needs a value")}},
		{"snmp_name", slRS("snmp_name r1"), r(func(x *ipvs.RealServer) any { return x.Options().SNMPName }), "r1", nil},
		{"snmp_name two words", slRS("snmp_name r 1"), r(func(x *ipvs.RealServer) any { return x.Options().SNMPName }), "",
			[]slDiag{slW(lineRS, "real server snmp_name missing or extra parameters")}},
		{"snmp_name bare", slRS("snmp_name"), r(func(x *ipvs.RealServer) any { return x.Options().SNMPName }), "",
			[]slDiag{slW(lineRS, "real server snmp_name missing or extra parameters")}},
		{"source line", slRS(""), r(func(x *ipvs.RealServer) any { return x.Source.Line() }), 5, nil},
	})
}

// notify_up and notify_down: a command, quoted or not, with an optional
// user and group.
func TestSemLVSRealNotify(t *testing.T) {
	up := func(c *Config) any { return rs0(c).Options().NotifyUp }
	down := func(c *Config) any { return rs0(c).Options().NotifyDown }
	spec := func(raw, user, group string, argv ...string) *script.Spec {
		return &script.Spec{Raw: raw, Argv: argv, User: user, Group: group}
	}
	slRun(t, []slRow{
		{"absent", slRS(""), func(c *Config) any { return []*script.Spec{rs0(c).Options().NotifyUp, rs0(c).Options().NotifyDown} },
			[]*script.Spec{nil, nil}, nil},
		{"plain", slRS("notify_up /bin/up"), up, spec("/bin/up", "", "", "/bin/up"), nil},
		{"quoted with arguments", slRS(`notify_down "/bin/down -v now"`), down, spec("/bin/down -v now", "", "", "/bin/down", "-v", "now"), nil},
		{"user", slRS("notify_up /bin/up nobody"), up, spec("/bin/up", "nobody", "", "/bin/up"), nil},
		{"user and group", slRS(`notify_down "/bin/down x" nobody nogroup`), down, spec("/bin/down x", "nobody", "nogroup", "/bin/down", "x"), nil},
		{"first stays", slRS("notify_up /bin/a\nnotify_up /bin/b"), func(c *Config) any { return rs0(c).Options().NotifyUp.Raw }, "/bin/a",
			[]slDiag{slW(lineRS+1, "notify_up script already specified - ignoring /bin/b")}},
		{"down first stays", slRS("notify_down /bin/a nobody\nnotify_down \"/bin/b x\""), down, spec("/bin/a", "nobody", "", "/bin/a"),
			[]slDiag{slW(lineRS+1, "notify_down script already specified - ignoring /bin/b x")}},
		{"bare", slRS("notify_up"), up, (*script.Spec)(nil), []slDiag{{Stop, lineRS, "keyword `notify_up`"}}},
	})
}

// The checker defaults a real server may carry: pointers and zero
// durations mean "inherit", so an absent keyword must stay nil or zero.
func TestSemLVSRealCheckerDefaults(t *testing.T) {
	r := func(f func(*ipvs.RealServer) any) func(*Config) any { return func(c *Config) any { return f(rs0(c)) } }
	ptrs := r(func(x *ipvs.RealServer) any {
		return []any{x.Options().Retry, x.Options().DelayBeforeRetry, x.Options().Warmup, x.Inhibit, x.Options().Alpha, x.Options().SMTPAlert, x.Options().DelayLoop, x.Options().ConnectTimeout}
	})
	i, d, b := func(v int) *int { return &v }, func(v time.Duration) *time.Duration { return &v }, func(v bool) *bool { return &v }
	none := []any{(*int)(nil), (*time.Duration)(nil), (*time.Duration)(nil), (*bool)(nil), (*bool)(nil), (*bool)(nil),
		time.Duration(0), time.Duration(0)}
	slRun(t, []slRow{
		{"absent", slRS(""), ptrs, none, nil},
		{"all set", slRS("retry 1\ndelay_before_retry 0\nwarmup 0\ninhibit_on_failure\nalpha off\nsmtp_alert yes\ndelay_loop 1.5\nconnect_timeout 0.5"),
			ptrs, []any{i(1), d(0), d(0), b(true), b(false), b(true), 1500 * time.Millisecond, 500 * time.Millisecond}, nil},
		{"retry largest", slRS("retry 4294967295"), r(func(x *ipvs.RealServer) any { return *x.Options().Retry }), 4294967295, nil},
		{"retry 0", slRS("retry 0"), r(func(x *ipvs.RealServer) any { return x.Options().Retry }), (*int)(nil),
			[]slDiag{slW(lineRS, "retry: number '0' outside range [1, 4294967295]")}},
		{"warmup of hours", slRS("warmup 7200"), r(func(x *ipvs.RealServer) any { return *x.Options().Warmup }), 2 * time.Hour, nil},
		{"warmup too long", slRS("warmup 1000000001"), r(func(x *ipvs.RealServer) any { return x.Options().Warmup }), (*time.Duration)(nil),
			[]slDiag{slW(lineRS, "warmup: invalid time '1000000001'")}},
		{"connect_timeout too long", slRS("connect_timeout 4295"), r(func(x *ipvs.RealServer) any { return x.Options().ConnectTimeout }), time.Duration(0),
			[]slDiag{slW(lineRS, "connect_timeout: number '4295' outside range [0.000001, 4294.967295]")}},
		{"delay_before_retry word", slRS("delay_before_retry later"), r(func(x *ipvs.RealServer) any { return x.Options().DelayBeforeRetry }),
			(*time.Duration)(nil), []slDiag{slW(lineRS, "delay_before_retry: invalid time 'later'")}},
		{"delay_loop 0", slRS("delay_loop 0"), r(func(x *ipvs.RealServer) any { return x.Options().DelayLoop }), time.Duration(0),
			[]slDiag{slW(lineRS, "delay_loop: number '0' outside range [0.000001, 1000000000]")}},
		{"inhibit bad boolean", slRS("inhibit_on_failure sometimes"), r(func(x *ipvs.RealServer) any { return *x.Inhibit }), true,
			[]slDiag{slW(lineRS, "inhibit_on_failure: invalid boolean 'sometimes'")}},
		{"bare retry", slRS("retry"), r(func(x *ipvs.RealServer) any { return x.Options().Retry }), (*int)(nil),
			[]slDiag{{Stop, lineRS, "keyword `retry`"}}},
	})
}

// The sorry server and real servers of an IPv6 fwmark service get the
// family of the first real server.
func TestSemLVSRealFamilies(t *testing.T) {
	slRun(t, []slRow{
		{"first real decides", rsHdr("fwmark 9", "2001:db8::10", "2001:db8::11"), func(c *Config) any {
			return []any{vs0(c).Family, len(vs0(c).Reals)}
		}, []any{uint8(6), 2}, []slDiag{slW(1, "protocol specified for fwmark")}},
		{"mixed in fwmark", rsHdr("fwmark 9", "2001:db8::10", "192.0.2.11"), rsAddrs, []string{"[2001:db8::10]:0"},
			[]slDiag{slW(1, "protocol specified for fwmark"),
				slW(6, "Address family of virtual server and real server 192.0.2.11 don't match - skipping real server.")}},
		{"ip_family decides before the reals", "virtual_server fwmark 9 {\nlb_algo rr\nlb_kind DR\nip_family inet\nreal_server 2001:db8::10 { }\n" +
			"real_server 192.0.2.11 { }\n}\n", rsAddrs, []string{"192.0.2.11:0"},
			[]slDiag{slW(5, "real server 2001:db8::10 don't match - skipping real server.")}},
	})
}
