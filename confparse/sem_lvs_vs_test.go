package confparse

import (
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
)

// vsWith is a virtual server with header hdr, a complete block and one
// real server of address rs (line 5).
func vsWith(hdr, rs string) string {
	return "virtual_server " + hdr + " {\nlb_algo rr\nlb_kind NAT\nprotocol TCP\nreal_server " + rs + " {\n}\n}\n"
}

func vsKey(c *Config) any { return vs0(c).Key() }

// The three forms of the header and what a bad one gives: the block is
// skipped whole, with the header's line.
func TestSemLVSHeader(t *testing.T) {
	grp := "virtual_server_group G {\n192.0.2.1 80\n}\n"
	slRun(t, []slRow{
		{"address and port", vsWith("192.0.2.1 80", "192.0.2.10 80"), vsKey, "192.0.2.1:80/TCP", nil},
		{"ipv6", vsWith("2001:db8::1 443", "2001:db8::10 443"), vsKey, "[2001:db8::1]:443/TCP", nil},
		{"ipv6 family", vsWith("2001:db8::1 443", "2001:db8::10 443"), func(c *Config) any { return vs0(c).Family }, uint8(6), nil},
		{"port 65535", vsWith("192.0.2.1 65535", "192.0.2.10 65535"), vsKey, "192.0.2.1:65535/TCP", nil},
		{"fwmark", vsWith("fwmark 7", "192.0.2.10 80"), vsKey, "fwmark 7/4",
			[]slDiag{slW(1, "Warning: Virtual server FWM 7: protocol specified for fwmark - protocol will be ignored")}},
		{"fwmark protocol cleared", vsWith("fwmark 7", "192.0.2.10 80"), func(c *Config) any { return vs0(c).Protocol }, ipvs.Protocol(0),
			[]slDiag{slW(1, "protocol specified for fwmark")}},
		{"fwmark largest", vsWith("fwmark 4294967295", "192.0.2.10 80"), func(c *Config) any { return vs0(c).FWMark }, uint32(4294967295),
			[]slDiag{slW(1, "protocol specified for fwmark")}},
		{"group", grp + vsWith("group G", "192.0.2.10 80"), func(c *Config) any { return vs0(c).Key() }, "group G/TCP", nil},
		{"group defined after", vsWith("group G", "192.0.2.10 80") + grp, func(c *Config) any { return vs0(c).Group }, "G", nil},
		{"group undefined", vsWith("group H", "192.0.2.10 80"), func(c *Config) any { return vs0(c).Group }, "H",
			[]slDiag{slW(1, "virtual_server group H: no virtual_server_group H is defined; the service has no addresses")}},
		{"no port", vsWith("192.0.2.1", "192.0.2.10"), func(c *Config) any { return vs0(c).Persistence }, 360 * time.Second,
			[]slDiag{slW(1, "Virtual server [192.0.2.1]:tcp:0: zero port only valid for persistent services - setting")}},
		{"no address", vsWith("", "192.0.2.10 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{{Stop, 1, "*** Configuration line starting `virtual_server` is missing a parameter after keyword `virtual_server` at word position 2"}}},
		{"fwmark without value", vsWith("fwmark", "192.0.2.10 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(1, "virtual_server: fwmark needs a value - skipping block")}},
		{"fwmark 0", vsWith("fwmark 0", "192.0.2.10 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(1, "virtual_server: invalid fwmark '0' - skipping block")}},
		{"fwmark too large", vsWith("fwmark 4294967296", "192.0.2.10 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(1, "invalid fwmark '4294967296'")}},
		{"fwmark word", vsWith("fwmark x", "192.0.2.10 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(1, "invalid fwmark 'x'")}},
		{"group without name", vsWith("group", "192.0.2.10 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(1, "virtual_server: group needs a name - skipping block")}},
		{"bad address", vsWith("192.0.2.300 80", "192.0.2.10 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(1, "virtual_server: invalid address '192.0.2.300' - skipping block")}},
		{"zone", vsWith("fe80::1%eth0 80", "fe80::2 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(1, "invalid address 'fe80::1%eth0'")}},
		{"port too large", vsWith("192.0.2.1 65536", "192.0.2.10 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(1, "virtual_server: invalid port '65536' - skipping block")}},
		{"port name", vsWith("192.0.2.1 http", "192.0.2.10 80"), slCount, [3]int{0, 0, 0},
			[]slDiag{slW(1, "invalid port 'http'")}},
	})
}

// The end of the block supplies protocol, scheduler and method, each with
// keepalived's message on the block's line naming the service as
// keepalived does.
func TestSemLVSBlockDefaults(t *testing.T) {
	vs := func(hdr, body string) string {
		return "virtual_server " + hdr + " {\n" + body + "real_server 192.0.2.10 80 {\n}\n}\n"
	}
	all := func(c *Config) any {
		v := vs0(c)
		return []any{v.Protocol, v.Scheduler, v.Forwarding.Method}
	}
	slRun(t, []slRow{
		{"all missing", vs("192.0.2.1 80", ""), all, []any{ipvs.UDP, "wlc", ipvs.NAT}, []slDiag{
			slW(1, "Virtual server [192.0.2.1]:none:80: no protocol set - defaulting to UDP"),
			slW(1, "Virtual server [192.0.2.1]:udp:80: no scheduler set, setting default 'wlc'"),
			slW(1, "Virtual server [192.0.2.1]:udp:80: no forwarding method set, setting default NAT")}},
		{"fwmark needs no protocol", vs("fwmark 3", "lb_algo sh\n"), all, []any{ipvs.Protocol(0), "sh", ipvs.NAT},
			[]slDiag{slW(1, "Virtual server FWM 3: no forwarding method set, setting default NAT")}},
		{"group name", "virtual_server_group G {\n192.0.2.1 80\n}\n" + vs("group G", "protocol UDP\nlb_kind DR\n"), all,
			[]any{ipvs.UDP, "wlc", ipvs.DR}, []slDiag{slW(4, "Virtual server group G: no scheduler set, setting default 'wlc'")}},
		{"ipv6 name", "virtual_server 2001:db8::1 80 {\nprotocol SCTP\nlb_algo rr\nreal_server 2001:db8::10 80 {\n}\n}\n", all,
			[]any{ipvs.SCTP, "rr", ipvs.NAT}, []slDiag{slW(1, "Virtual server [2001:db8::1]:sctp:80: no forwarding method set")}},
		{"keywords after the real servers", "virtual_server 192.0.2.1 80 {\nreal_server 192.0.2.10 80 {\n}\nprotocol TCP\nlb_algo rr\nlb_kind DR\n}\n",
			all, []any{ipvs.TCP, "rr", ipvs.DR}, nil},
		{"block defaults", slVS(""), func(c *Config) any {
			v := vs0(c)
			return []any{v.DelayLoop, v.ConnectTimeout, v.Retry, v.Weight, v.Quorum, v.Options().Hysteresis, v.Persistence, v.Family}
		}, []any{60 * time.Second, 5 * time.Second, -1, 1, 1, 0, time.Duration(0), uint8(4)}, nil},
		{"unknown keyword", slVS("bogus 1"), nil, nil, []slDiag{slW(lineVS, "unknown keyword 'bogus' in virtual_server")}},
		{"unknown block", slVS("bogus {\nweight 2\n}"), func(c *Config) any { return vs0(c).Weight }, 1,
			[]slDiag{slW(lineVS, "unknown keyword 'bogus' in virtual_server; its block is skipped")}},
	})
}

func TestSemLVSScheduler(t *testing.T) {
	var rows []slRow
	for _, s := range []string{"rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq", "twos"} {
		rows = append(rows, slRow{"lb_algo " + s, slVS("lb_algo " + s), func(c *Config) any { return vs0(c).Scheduler }, s, nil})
	}
	sched := func(c *Config) any { return vs0(c).Scheduler }
	rows = append(rows,
		slRow{"lvs_sched", slVS("lvs_sched lc"), sched, "lc", nil},
		slRow{"last wins", slVS("lb_algo sh\nlb_algo dh"), sched, "dh", nil},
		slRow{"upper case", slVS("lb_algo RR"), sched, "rr", []slDiag{slW(lineVS, "Invalid lvs_scheduler 'RR' - ignoring")}},
		slRow{"unknown", slVS("lb_algo fair"), sched, "rr", []slDiag{slW(lineVS, "Invalid lvs_scheduler 'fair' - ignoring")}},
		slRow{"bare", slVS("lb_algo"), sched, "rr",
			[]slDiag{{Stop, lineVS, "missing a parameter after keyword `lb_algo`"}}},
	)
	slRun(t, rows)
}

func TestSemLVSSchedFlags(t *testing.T) {
	flags := func(c *Config) any { return vs0(c).Options().SchedFlags }
	slRun(t, []slRow{
		{"none", slVS(""), flags, []string(nil), nil},
		{"each once, in file order", slVS("lb_algo sh\nsh-fallback\nsh-port\nsh-fallback"), flags, []string{"sh-fallback", "sh-port"}, nil},
		{"mh", slVS("lb_algo mh\nmh-port\nmh-fallback"), flags, []string{"mh-port", "mh-fallback"}, nil},
		{"flag-n", slVS("flag-1\nflag-2\nflag-3"), flags, []string{"flag-1", "flag-2", "flag-3"}, nil},
		{"sh flag under rr", slVS("sh-port"), flags, []string(nil),
			[]slDiag{slW(lineVS, "sh-port only applies to sh scheduler - ignoring")}},
		{"flag before its scheduler", slVS("mh-fallback\nlb_algo mh"), flags, []string(nil),
			[]slDiag{slW(lineVS, "mh-fallback only applies to sh scheduler - ignoring")}},
		{"hashed under sh", slVS("lb_algo sh\nhashed\nsh-port"), flags, []string{"sh-port"},
			[]slDiag{slI(lineVS+1, "hashed has no effect with scheduler sh (as in keepalived) - ignoring")}},
		{"mh flag under sh", slVS("lb_algo sh\nmh-port"), flags, []string(nil),
			[]slDiag{slI(lineVS+1, "mh-port has no effect with scheduler sh")}},
		{"hashed under wlc", slVS("lb_algo wlc\nhashed"), flags, []string(nil),
			[]slDiag{slW(lineVS+1, "hashed only applies to sh scheduler - ignoring")}},
		{"ops on udp", slVS("protocol UDP\nops"), func(c *Config) any { return vs0(c).OPS }, true, nil},
		{"ops off", slVS("protocol UDP\nops off"), func(c *Config) any { return vs0(c).OPS }, true,
			[]slDiag{slI(lineVS+1, "'ops off': keepalived ignores the value and sets ops")}},
		{"ops on tcp", slVS("ops"), func(c *Config) any { return vs0(c).OPS }, false,
			[]slDiag{slW(1, "Virtual server [192.0.2.1]:tcp:80: one packet scheduling requires UDP - ignoring")}},
	})
}

// lb_kind and lvs_method with the tunnel options; a bad option leaves the
// method as it was (NAT from line 3).
func TestSemLVSForwarding(t *testing.T) {
	fwd := func(c *Config) any { return vs0(c).Forwarding }
	nat := ipvs.Forwarding{}
	unsupported := "is not supported by govrrpd (only TUN type ipip without checksum options)"
	slRun(t, []slRow{
		{"DR", slVS("lb_kind DR"), fwd, ipvs.Forwarding{Method: ipvs.DR}, nil},
		{"TUN", slVS("lvs_method TUN"), fwd, ipvs.Forwarding{Method: ipvs.TUN}, nil},
		{"NAT again", slVS("lb_kind DR\nlb_kind NAT"), fwd, nat, nil},
		{"ipip", slVS("lb_kind TUN type ipip"), fwd, ipvs.Forwarding{Method: ipvs.TUN, TunType: "ipip"}, nil},
		{"gue", slVS("lb_kind TUN type gue port 6080"), fwd, ipvs.Forwarding{Method: ipvs.TUN, TunType: "gue", TunPort: 6080},
			[]slDiag{slW(lineVS, "'lb_kind TUN type gue port 6080' "+unsupported)}},
		{"gue port first", slVS("lb_kind TUN port 1 type gue"), fwd, ipvs.Forwarding{Method: ipvs.TUN, TunType: "gue", TunPort: 1},
			[]slDiag{slW(lineVS, unsupported)}},
		{"gue largest port", slVS("lb_kind TUN type gue port 65535 remcsum"), fwd,
			ipvs.Forwarding{Method: ipvs.TUN, TunType: "gue", TunPort: 65535, TunCsum: "remcsum"}, []slDiag{slW(lineVS, unsupported)}},
		{"gre", slVS("lb_kind TUN type gre csum"), fwd, ipvs.Forwarding{Method: ipvs.TUN, TunType: "gre", TunCsum: "csum"},
			[]slDiag{slW(lineVS, "'lb_kind TUN type gre csum' "+unsupported)}},
		{"nocsum", slVS("lb_kind TUN nocsum"), fwd, ipvs.Forwarding{Method: ipvs.TUN, TunCsum: "nocsum"},
			[]slDiag{slW(lineVS, unsupported)}},
		{"lower case", slVS("lb_kind dr"), fwd, nat,
			[]slDiag{slW(lineVS, "PARSER : unknown [dr] routing method for virtual server.")}},
		{"unknown", slVS("lb_kind LOCAL"), fwd, nat, []slDiag{slW(lineVS, "unknown [LOCAL] routing method")}},
		{"bare", slVS("lb_kind"), fwd, nat, []slDiag{{Stop, lineVS, "keyword `lb_kind`"}}},
		{"type missing", slVS("lb_kind TUN type"), fwd, nat, []slDiag{slW(lineVS, "lb_kind: tunnel type missing")}},
		{"type unknown", slVS("lb_kind TUN type vxlan"), fwd, nat, []slDiag{slW(lineVS, "lb_kind: unknown tunnel type 'vxlan'")}},
		{"port missing", slVS("lb_kind TUN type gue port"), fwd, nat, []slDiag{slW(lineVS, "lb_kind: tunnel port missing")}},
		{"port 0", slVS("lb_kind TUN type gue port 0"), fwd, nat, []slDiag{slW(lineVS, "lb_kind: invalid tunnel port '0'")}},
		{"port too large", slVS("lb_kind TUN type gue port 65536"), fwd, nat, []slDiag{slW(lineVS, "invalid tunnel port '65536'")}},
		{"gue without port", slVS("lb_kind TUN type gue"), fwd, nat,
			[]slDiag{slW(lineVS, "lb_kind: gue tunnels require port, otherwise cannot have port.")}},
		{"port without gue", slVS("lvs_method TUN port 6080"), fwd, nat,
			[]slDiag{slW(lineVS, "lvs_method: gue tunnels require port")}},
		{"remcsum without gue", slVS("lb_kind TUN type ipip remcsum"), fwd, nat,
			[]slDiag{slW(lineVS, "lb_kind: remcsum is only valid for gue tunnels")}},
		{"unknown option", slVS("lb_kind TUN fast"), fwd, nat, []slDiag{slW(lineVS, "lb_kind: unknown tunnel option 'fast'")}},
		{"options on DR ignored", slVS("lb_kind DR type gue"), fwd, ipvs.Forwarding{Method: ipvs.DR}, nil},
	})
}

func TestSemLVSProtocolFamily(t *testing.T) {
	proto := func(c *Config) any { return vs0(c).Protocol }
	fam := func(c *Config) any { return vs0(c).Family }
	slRun(t, []slRow{
		{"udp", slVS("protocol udp"), proto, ipvs.UDP, nil},
		{"sctp", slVS("protocol SCTP"), proto, ipvs.SCTP, nil},
		{"mixed case", slVS("protocol Tcp"), proto, ipvs.TCP, nil},
		{"unknown", slVS("protocol ICMP"), proto, ipvs.TCP, []slDiag{slW(lineVS, "unknown protocol 'ICMP' - ignoring")}},
		{"bare", slVS("protocol"), proto, ipvs.TCP, []slDiag{{Stop, lineVS, "keyword `protocol`"}}},
		{"fwmark inet6", "virtual_server fwmark 1 {\nlb_algo rr\nlb_kind DR\nip_family inet6\nreal_server 2001:db8::10 {\n}\n}\n",
			fam, uint8(6), nil},
		{"fwmark inet", "virtual_server fwmark 1 {\nlb_algo rr\nlb_kind DR\nip_family inet\nreal_server 192.0.2.10 {\n}\n}\n",
			fam, uint8(4), nil},
		{"fwmark from real server", "virtual_server fwmark 1 {\nlb_algo rr\nlb_kind DR\nreal_server 2001:db8::10 {\n}\n}\n",
			fam, uint8(6), nil},
		{"ip_family unknown", "virtual_server fwmark 1 {\nlb_algo rr\nlb_kind DR\nip_family ipx\nreal_server 192.0.2.10 {\n}\n}\n",
			fam, uint8(4), []slDiag{slW(4, "ip_family: unknown family 'ipx' (use inet|inet6)")}},
		{"ip_family conflicts with the address", slVS("ip_family inet6"), fam, uint8(4),
			[]slDiag{slW(lineVS, "Virtual server specified family inet6 conflicts with server family")}},
		{"ip_family agrees with the address", slVS("ip_family inet"), fam, uint8(4), nil},
		{"ip_family bare", slVS("ip_family"), fam, uint8(4), []slDiag{{Stop, lineVS, "keyword `ip_family`"}}},
	})
}

// persistence_granularity: a netmask for IPv4, a prefix length (kept as
// the mask) for IPv6; persistence_engine is a name.
func TestSemLVSPersistence(t *testing.T) {
	gran := func(c *Config) any { return vs0(c).Options().PersistenceGranularity }
	v6 := func(body string) string {
		return "virtual_server 2001:db8::1 80 {\nlb_algo rr\nlb_kind NAT\nprotocol TCP\n" + body + "\nreal_server 2001:db8::10 80 {\n}\n}\n"
	}
	mask := netip.MustParseAddr
	slRun(t, []slRow{
		{"v4 mask", slVS("persistence_granularity 255.255.0.0"), gran, mask("255.255.0.0"), nil},
		{"v4 host mask", slVS("persistence_granularity 255.255.255.255"), gran, mask("255.255.255.255"), nil},
		{"v4 holes", slVS("persistence_granularity 255.0.255.0"), gran, netip.Addr{},
			[]slDiag{slW(lineVS, "persistence_granularity: '255.0.255.0' is not a netmask - ignoring")}},
		{"v6 prefix", v6("persistence_granularity 48"), gran, mask("ffff:ffff:ffff::"), nil},
		{"v6 1", v6("persistence_granularity 1"), gran, mask("8000::"), nil},
		{"v6 128", v6("persistence_granularity 128"), gran, mask("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), nil},
		{"v6 0", v6("persistence_granularity 0"), gran, netip.Addr{},
			[]slDiag{slW(lineVS, "persistence_granularity: invalid value '0' - ignoring")}},
		{"v6 129", v6("persistence_granularity 129"), gran, netip.Addr{}, []slDiag{slW(lineVS, "invalid value '129'")}},
		{"word", slVS("persistence_granularity wide"), gran, netip.Addr{},
			[]slDiag{slW(lineVS, "Invalid IPv4 persistence_granularity specified - wide")}},
		{"prefix length on v4", slVS("persistence_granularity 24"), gran, netip.Addr{},
			[]slDiag{slW(lineVS, "Invalid IPv4 persistence_granularity specified - 24")}},
		{"netmask on v6", v6("persistence_granularity 255.255.255.0"), gran, netip.Addr{},
			[]slDiag{slW(lineVS, "Invalid IPv6 persistence_granularity specified - 255.255.255.0")}},
		{"v6 word", v6("persistence_granularity wide"), gran, netip.Addr{}, []slDiag{slW(lineVS, "invalid value 'wide'")}},
		{"fwmark by form", "virtual_server fwmark 1 {\nlb_algo rr\nlb_kind DR\npersistence_granularity 255.255.255.0\nreal_server 192.0.2.10 {\n}\n}\n",
			gran, mask("255.255.255.0"), nil},
		{"bare", slVS("persistence_granularity"), gran, netip.Addr{}, []slDiag{{Stop, lineVS, "keyword `persistence_granularity`"}}},
		{"engine", slVS("persistence_engine sip"), func(c *Config) any { return vs0(c).Options().PersistenceEngine }, "sip", nil},
		{"engine bare", slVS("persistence_engine"), func(c *Config) any { return vs0(c).Options().PersistenceEngine }, "",
			[]slDiag{{Stop, lineVS, "keyword `persistence_engine`"}}},
		{"timeout word", slVS("persistence_timeout long"), func(c *Config) any { return vs0(c).Persistence }, time.Duration(0),
			[]slDiag{slW(lineVS, "persistence_timeout: invalid number 'long'")}},
	})
}

// keepalived reads these as bare flags: a value after one is ignored and
// the flag is set, with a note (keepalived 2.2.7 -t exits 0).
func TestSemLVSFlags(t *testing.T) {
	field := map[string]func(*ipvs.VirtualServer) bool{
		"alpha":              func(v *ipvs.VirtualServer) bool { return v.Alpha },
		"omega":              func(v *ipvs.VirtualServer) bool { return v.Omega },
		"inhibit_on_failure": func(v *ipvs.VirtualServer) bool { return v.InhibitOnFailure },
		"ha_suspend":         func(v *ipvs.VirtualServer) bool { return v.Options().HASuspend },
	}
	var rows []slRow
	for key, f := range field {
		get := func(c *Config) any { return f(vs0(c)) }
		rows = append(rows,
			slRow{key + " absent", slVS(""), get, false, nil},
			slRow{key + " bare", slVS(key), get, true, nil},
			slRow{key + " no", slVS(key + " no"), get, true,
				[]slDiag{slI(lineVS, "'"+key+" no': keepalived ignores the value and sets "+key+"; so does govrrpd")}},
			slRow{key + " word", slVS(key + " maybe"), get, true, []slDiag{slI(lineVS, "'"+key+" maybe': keepalived ignores the value")}},
		)
	}
	smtp := func(c *Config) any { return []bool{vs0(c).Options().SMTPAlert, vs0(c).Options().SMTPAlertSet} }
	rows = append(rows,
		slRow{"smtp_alert absent", slVS(""), smtp, []bool{false, false}, nil},
		slRow{"smtp_alert bare", slVS("smtp_alert"), smtp, []bool{true, true}, nil},
		slRow{"smtp_alert false", slVS("smtp_alert false"), smtp, []bool{false, true}, nil},
		slRow{"smtp_alert bad", slVS("smtp_alert 2"), smtp, []bool{true, true}, []slDiag{slW(lineVS, "smtp_alert: invalid boolean '2'")}},
	)
	slRun(t, rows)
}

// Names, sorry server, quorum scripts.
func TestSemLVSServiceOptions(t *testing.T) {
	sorry := func(c *Config) any { return vs0(c).Options().Sorry }
	rsAt := func(line int, addr string, w int) *ipvs.RealServer {
		return &ipvs.RealServer{Source: Pos{Line: line}.src(), Addr: netip.MustParseAddrPort(addr), Weight: w}
	}
	withFile := func(c *Config) any {
		s := vs0(c).Options().Sorry
		if s == nil {
			return nil
		}
		cp := *s
		cp.Source = Pos{Line: s.Source.Line()}.src()
		return &cp
	}
	slRun(t, []slRow{
		{"virtualhost", slVS("virtualhost www.example.com"), func(c *Config) any { return vs0(c).Options().Virtualhost }, "www.example.com", nil},
		{"virtualhost bare", slVS("virtualhost"), func(c *Config) any { return vs0(c).Options().Virtualhost }, "",
			[]slDiag{slW(lineVS, "'virtualhost' needs a value")}},
		{"snmp_name", slVS("snmp_name web"), func(c *Config) any { return vs0(c).Options().SNMPName }, "web", nil},
		{"snmp_name two words", slVS("snmp_name web 2"), func(c *Config) any { return vs0(c).Options().SNMPName }, "",
			[]slDiag{slW(lineVS, "virtual server snmp_name missing or extra parameters")}},
		{"no sorry server", slVS(""), sorry, (*ipvs.RealServer)(nil), nil},
		{"sorry server", slVS("sorry_server 192.0.2.99 8080"), withFile, rsAt(lineVS, "192.0.2.99:8080", 1), nil},
		{"sorry server without port", slVS("sorry_server 192.0.2.99"), withFile, rsAt(lineVS, "192.0.2.99:0", 1), nil},
		{"sorry method after", slVS("sorry_server 192.0.2.99 80\nsorry_server_lvs_method TUN"), func(c *Config) any {
			return *vs0(c).Options().Sorry.Forwarding
		}, ipvs.Forwarding{Method: ipvs.TUN}, nil},
		{"sorry method before", slVS("sorry_server_lvs_method TUN\nsorry_server 192.0.2.99 80"), func(c *Config) any {
			return vs0(c).Options().Sorry.Forwarding
		}, (*ipvs.Forwarding)(nil), []slDiag{slW(lineVS, "sorry_server forwarding used without sorry_server")}},
		{"sorry method alone", slVS("sorry_server_lvs_method DR"), sorry, (*ipvs.RealServer)(nil),
			[]slDiag{slW(lineVS, "sorry_server forwarding used without sorry_server")}},
		{"sorry inhibit", slVS("sorry_server 192.0.2.99 80\nsorry_server_inhibit"), func(c *Config) any { return vs0(c).Options().SorryInhibit }, true, nil},
		{"sorry inhibit off", slVS("sorry_server 192.0.2.99 80\nsorry_server_inhibit off"), func(c *Config) any { return vs0(c).Options().SorryInhibit }, true,
			[]slDiag{slI(lineVS+1, "'sorry_server_inhibit off': keepalived ignores the value")}},
		{"sorry inhibit before", slVS("sorry_server_inhibit\nsorry_server 192.0.2.99 80"), func(c *Config) any { return vs0(c).Options().SorryInhibit }, false,
			[]slDiag{slW(lineVS, "Ignoring sorry_server inhibit used before or without sorry_server")}},
		{"sorry other family", slVS("sorry_server 2001:db8::99 80"), sorry, (*ipvs.RealServer)(nil),
			[]slDiag{slW(lineVS, "Address family of virtual server and sorry server 2001:db8::99 don't match - skipping sorry server.")}},
		{"sorry in fwmark service", "virtual_server fwmark 1 {\nlb_algo rr\nlb_kind DR\nsorry_server 2001:db8::99\nreal_server 2001:db8::10 {\n}\n}\n",
			func(c *Config) any { return vs0(c).Options().Sorry.Addr.String() }, "[2001:db8::99]:0", nil},
		{"sorry method bad", slVS("sorry_server 192.0.2.99 80\nsorry_server_lvs_method XX"), func(c *Config) any {
			return vs0(c).Options().Sorry.Forwarding
		}, (*ipvs.Forwarding)(nil), []slDiag{slW(lineVS+1, "unknown [XX] routing method")}},
		{"sorry bad address", slVS("sorry_server 192.0.2.999 80"), sorry, (*ipvs.RealServer)(nil),
			[]slDiag{slW(lineVS, "sorry_server: invalid address '192.0.2.999' - ignoring")}},
		{"sorry bad port", slVS("sorry_server 192.0.2.99 eighty"), sorry, (*ipvs.RealServer)(nil),
			[]slDiag{slW(lineVS, "sorry_server: invalid port 'eighty' - ignoring")}},
		{"sorry bare", slVS("sorry_server"), sorry, (*ipvs.RealServer)(nil), []slDiag{{Stop, lineVS, "keyword `sorry_server`"}}},
		{"quorum_up with user", slVS("quorum_up \"/bin/up now\" nobody nogroup"), func(c *Config) any {
			s := vs0(c).Options().QuorumUp
			return []string{s.Raw, s.User, s.Group}
		}, []string{"/bin/up now", "nobody", "nogroup"}, nil},
		{"quorum_up twice", slVS("quorum_up /bin/a\nquorum_up /bin/b"), func(c *Config) any { return vs0(c).Options().QuorumUp.Raw }, "/bin/a",
			[]slDiag{slW(lineVS+1, "quorum_up script already specified - ignoring /bin/b")}},
		{"quorum_down", slVS("quorum_down /bin/down"), func(c *Config) any { return vs0(c).Options().QuorumDown.Argv }, []string{"/bin/down"}, nil},
		{"quorum scripts absent", slVS(""), func(c *Config) any {
			return []*script.Spec{vs0(c).Options().QuorumUp, vs0(c).Options().QuorumDown}
		}, []*script.Spec{nil, nil}, nil},
		{"quorum_up bare", slVS("quorum_up"), func(c *Config) any { return vs0(c).Options().QuorumUp }, (*script.Spec)(nil),
			[]slDiag{{Stop, lineVS, "keyword `quorum_up`"}}},
		{"quorum_max", slVS("quorum_max 4"), func(c *Config) any { return vs0(c).Quorum }, 1,
			[]slDiag{slW(lineVS, "'quorum_max' is not supported by govrrpd yet; ignored")}},
	})
}

// Integer and timer keywords of the block beyond their bounds (tested in
// sem_ranges_lvs_test.go): the forms, and the value kept on a bad one.
func TestSemLVSNumbers(t *testing.T) {
	v := func(f func(*ipvs.VirtualServer) any) func(*Config) any {
		return func(c *Config) any { return f(vs0(c)) }
	}
	slRun(t, []slRow{
		{"delay_loop fraction", slVS("delay_loop 0.25"), v(func(x *ipvs.VirtualServer) any { return x.DelayLoop }), 250 * time.Millisecond, nil},
		{"delay_loop microsecond", slVS("delay_loop 0.000001"), v(func(x *ipvs.VirtualServer) any { return x.DelayLoop }), time.Microsecond, nil},
		{"delay_loop word", slVS("delay_loop soon"), v(func(x *ipvs.VirtualServer) any { return x.DelayLoop }), 60 * time.Second,
			[]slDiag{slW(lineVS, "delay_loop: invalid time 'soon'")}},
		{"connect_timeout negative", slVS("connect_timeout -1"), v(func(x *ipvs.VirtualServer) any { return x.ConnectTimeout }), 5 * time.Second,
			[]slDiag{slW(lineVS, "connect_timeout: invalid time '-1'")}},
		{"warmup", slVS("warmup 7"), v(func(x *ipvs.VirtualServer) any { return []any{x.Warmup, x.WarmupSet} }), []any{7 * time.Second, true}, nil},
		{"delay_loop of hours", slVS("delay_loop 7200"), v(func(x *ipvs.VirtualServer) any { return x.DelayLoop }), 2 * time.Hour, nil},
		{"warmup too long", slVS("warmup 1000000001"), v(func(x *ipvs.VirtualServer) any { return []any{x.Warmup, x.WarmupSet} }),
			[]any{time.Duration(0), false}, []slDiag{slW(lineVS, "warmup: invalid time '1000000001'")}},
		{"retry word", slVS("retry many"), v(func(x *ipvs.VirtualServer) any { return x.Retry }), -1,
			[]slDiag{slW(lineVS, "retry: invalid number 'many'")}},
		{"quorum last wins", slVS("weight 5\nquorum 3\nquorum 2"), v(func(x *ipvs.VirtualServer) any { return x.Quorum }), 2, nil},
		{"quorum above the weights", slVS("weight 5\nquorum 6"), v(func(x *ipvs.VirtualServer) any { return x.Quorum }), 5,
			[]slDiag{slW(1, "Warning - quorum 6 for [192.0.2.1]:tcp:80 exceeds total weight of real servers 5, reducing quorum to 5")}},
		{"quorum largest", slHead + "quorum 4294967295\n" + "real_server 192.0.2.10 80 {\nweight 2147483647\n}\n" +
			"real_server 192.0.2.11 80 {\nweight 2147483647\n}\nreal_server 192.0.2.12 80 {\nweight 2147483647\n}\n}\n",
			v(func(x *ipvs.VirtualServer) any { return x.Quorum }), 4294967295, nil},
		{"quorum too large", slVS("quorum 4294967296"), v(func(x *ipvs.VirtualServer) any { return x.Quorum }), 1,
			[]slDiag{slW(lineVS, "quorum: number '4294967296' outside range [1, 4294967295]")}},
		{"hysteresis below quorum", slVS("weight 5\nquorum 5\nhysteresis 4"), v(func(x *ipvs.VirtualServer) any { return x.Options().Hysteresis }), 4, nil},
		{"hysteresis at quorum", slVS("weight 5\nquorum 4\nhysteresis 4"), v(func(x *ipvs.VirtualServer) any { return x.Options().Hysteresis }), 3,
			[]slDiag{slW(1, "Virtual server [192.0.2.1]:tcp:80: hysteresis 4 >= quorum 4; setting hysteresis to 3")}},
		{"hysteresis negative", slVS("hysteresis -1"), v(func(x *ipvs.VirtualServer) any { return x.Options().Hysteresis }), 0,
			[]slDiag{slW(lineVS, "hysteresis: number '-1' outside range [0, 4294967295]")}},
		{"real servers of weight 0", slRS("weight 0"), func(c *Config) any { return []int{vs0(c).Quorum, vs0(c).Options().Hysteresis} }, []int{0, 0},
			[]slDiag{slW(1, "quorum 1 for [192.0.2.1]:tcp:80 exceeds total weight of real servers 0, reducing quorum to 0"),
				slW(1, "hysteresis 0 >= quorum 0; setting hysteresis to 0")}},
		{"retry 0", slVS("retry 0"), v(func(x *ipvs.VirtualServer) any { return x.Retry }), -1,
			[]slDiag{slW(lineVS, "retry: number '0' outside range [1, 4294967295]")}},
		{"weight 0", slVS("weight 0"), v(func(x *ipvs.VirtualServer) any { return x.Weight }), 1,
			[]slDiag{slW(lineVS, "weight: number '0' outside range [1, 2147483647]")}},
		{"weight bare", slVS("weight"), v(func(x *ipvs.VirtualServer) any { return x.Weight }), 1,
			[]slDiag{{Stop, lineVS, "keyword `weight`"}}},
		{"weight to reals", slVS("weight 9"), func(c *Config) any { return rs0(c).Weight }, 9, nil},
	})
}
