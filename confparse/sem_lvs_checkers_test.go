package confparse

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/script"
)

// ckIn places line at line 7 of a checker block of kind, with whatever
// else the kind needs to be kept; a FILE_CHECK's tracker comes first, so
// its line is returned too.
func ckIn(kind check.Kind, line string) (string, int) {
	switch kind {
	case check.HTTP, check.SSL:
		return slCk(kind.String(), line+"\nurl {\npath /\n}"), lineCk
	case check.Misc:
		return slCk(kind.String(), line+"\nmisc_path /nonexistent/check"), lineCk
	case check.File:
		return "track_file tf {\nfile /run/tf\n}\n" + slCk(kind.String(), line+"\ntrack_file tf"), lineCk + 3
	}
	return slCk(kind.String(), line), lineCk
}

// Which checker accepts which common keyword, as in keepalived 2.2.7:
// MISC_CHECK has no connection options, FILE_CHECK neither those nor the
// scheduling ones.
func TestSemLVSCheckerKeywordMatrix(t *testing.T) {
	conn := []string{"connect_ip 192.0.2.5", "connect_port 81", "bind_port 4000", "bindto 192.0.2.6", "bind_if eth0",
		"fwmark 5", "connect_timeout 2"}
	sched := []string{"retry 2", "delay_before_retry 2", "delay_loop 2", "warmup 2", "alpha", "log_all_failures"}
	kinds := []check.Kind{check.TCP, check.HTTP, check.SSL, check.Misc, check.SMTP, check.DNS, check.UDP, check.Ping, check.File}
	var rows []slRow
	for _, k := range kinds {
		for _, g := range []struct {
			lines   []string
			refused bool
		}{{conn, k == check.File || k == check.Misc}, {sched, k == check.File}} {
			for _, line := range g.lines {
				src, at := ckIn(k, line)
				key := strings.Fields(line)[0]
				var want []slDiag
				if g.refused {
					want = []slDiag{slW(at, "unknown keyword '"+key+"' in "+k.String())}
				}
				rows = append(rows, slRow{k.String() + " " + key, src, func(c *Config) any { return len(c.Checkers) }, 1, want})
			}
		}
	}
	slRun(t, rows)
}

func TestSemLVSCheckerConnection(t *testing.T) {
	tcp := func(line string) string { return slCk("TCP_CHECK", line) }
	k := func(f func(*check.Checker) any) func(*Config) any { return func(c *Config) any { return f(ck0(c)) } }
	ip := func(s string) *netip.Addr { a := netip.MustParseAddr(s); return &a }
	slRun(t, []slRow{
		{"absent", tcp(""), k(func(c *check.Checker) any {
			return []any{c.Conn().ConnectIP, c.Conn().BindTo, c.Conn().BindIf, c.ConnectPort, c.BindPort, c.FWMark, c.LogAllFailures}
		}), []any{(*netip.Addr)(nil), (*netip.Addr)(nil), "", uint16(0), uint16(0), uint32(0), false}, nil},
		{"connect_ip", tcp("connect_ip 198.51.100.7"), k(func(c *check.Checker) any { return c.Conn().ConnectIP }), ip("198.51.100.7"), nil},
		{"connect_ip v6", tcp("connect_ip 2001:db8::7"), k(func(c *check.Checker) any { return c.Conn().ConnectIP }), ip("2001:db8::7"), nil},
		{"connect_ip bad", tcp("connect_ip 198.51.100"), k(func(c *check.Checker) any { return c.Conn().ConnectIP }), (*netip.Addr)(nil),
			[]slDiag{slW(lineCk, "connect_ip: invalid IP address '198.51.100'")}},
		{"connect_ip bare", tcp("connect_ip"), k(func(c *check.Checker) any { return c.Conn().ConnectIP }), (*netip.Addr)(nil),
			[]slDiag{{Stop, lineCk, "keyword `connect_ip`"}}},
		{"bindto", tcp("bindto 192.0.2.3"), k(func(c *check.Checker) any { return c.Conn().BindTo }), ip("192.0.2.3"), nil},
		{"bindto other family", tcp("bindto 2001:db8::3"), k(func(c *check.Checker) any { return c.Conn().BindTo }), (*netip.Addr)(nil),
			[]slDiag{slW(lineCk, "bindto address 2001:db8::3 does not match address family of connect_ip - skipping")}},
		{"bindto after connect_ip", tcp("connect_ip 2001:db8::7\nbindto 2001:db8::3"), k(func(c *check.Checker) any { return c.Conn().BindTo }), ip("2001:db8::3"), nil},
		{"bindto before connect_ip", tcp("bindto 2001:db8::3\nconnect_ip 2001:db8::7"), k(func(c *check.Checker) any { return c.Conn().BindTo }), (*netip.Addr)(nil),
			[]slDiag{slW(lineCk, "bindto address 2001:db8::3 does not match")}},
		{"bindto v4 after v6 connect_ip", tcp("connect_ip 2001:db8::7\nbindto 192.0.2.3"), k(func(c *check.Checker) any { return c.Conn().BindTo }), (*netip.Addr)(nil),
			[]slDiag{slW(lineCk+1, "bindto address 192.0.2.3 does not match")}},
		{"bindto bad", tcp("bindto me"), k(func(c *check.Checker) any { return c.Conn().BindTo }), (*netip.Addr)(nil),
			[]slDiag{slW(lineCk, "bindto: invalid IP address 'me'")}},
		{"bind_if", tcp("bind_if bond0"), k(func(c *check.Checker) any { return c.Conn().BindIf }), "bond0", nil},
		{"bind_port", tcp("bind_port 65535"), k(func(c *check.Checker) any { return c.BindPort }), uint16(65535), nil},
		{"bind_port 0", tcp("bind_port 0"), k(func(c *check.Checker) any { return c.BindPort }), uint16(0),
			[]slDiag{slW(lineCk, "bind_port: number '0' outside range [1, 65535]"), slW(lineCk, "Invalid checker bind_port '0'")}},
		{"bind_port word", tcp("bind_port any"), k(func(c *check.Checker) any { return c.BindPort }), uint16(0),
			[]slDiag{slW(lineCk, "bind_port: invalid number 'any'"), slW(lineCk, "Invalid checker bind_port 'any'")}},
		{"connect_port last wins", tcp("connect_port 81\nconnect_port 82"), k(func(c *check.Checker) any { return c.ConnectPort }), uint16(82), nil},
		{"connect_timeout fraction", tcp("connect_timeout 0.5"), k(func(c *check.Checker) any { return c.ConnectTimeout }), 500 * time.Millisecond, nil},
		{"connect_timeout 0", tcp("connect_timeout 0"), k(func(c *check.Checker) any { return c.ConnectTimeout }), 5 * time.Second,
			[]slDiag{slW(lineCk, "connect_timeout: number '0' outside range [0.000001, 4294.967295]")}},
		{"log_all_failures", tcp("log_all_failures on"), k(func(c *check.Checker) any { return c.LogAllFailures }), true, nil},
		{"alpha bad", tcp("alpha 3"), k(func(c *check.Checker) any { return c.Alpha }), true, []slDiag{slW(lineCk, "alpha: invalid boolean '3'")}},
		{"unknown", tcp("send hello"), nil, nil, []slDiag{slW(lineCk, "unknown keyword 'send' in TCP_CHECK")}},
		{"source and target", tcp(""), k(func(c *check.Checker) any { return []any{c.Source.Line(), c.Target.Service, c.Target.Real.String()} }),
			[]any{lineCk - 1, "192.0.2.1:80/TCP", "192.0.2.10:80"}, nil},
	})
}

// A checker that connects needs a port: from connect_port or the real
// server; MISC, DNS and PING checkers do not.
func TestSemLVSCheckerNoPort(t *testing.T) {
	noPort := func(kind, body string) string {
		return slHead + "real_server 192.0.2.10 {\n" + kind + " {\n" + body + "\n}\n}\n}\n"
	}
	slRun(t, []slRow{
		{"tcp", noPort("TCP_CHECK", ""), slCount, [3]int{1, 1, 1},
			[]slDiag{slW(6, "TCP_CHECK for real server 192.0.2.10 has no port: set connect_port; every check will fail")}},
		{"udp", noPort("UDP_CHECK", ""), slCount, [3]int{1, 1, 1}, []slDiag{slW(6, "UDP_CHECK for real server 192.0.2.10 has no port")}},
		{"http", noPort("HTTP_GET", "url {\npath /\n}"), slCount, [3]int{1, 1, 1}, []slDiag{slW(6, "HTTP_GET for real server 192.0.2.10 has no port")}},
		{"connect_port", noPort("TCP_CHECK", "connect_port 80"), slCount, [3]int{1, 1, 1}, nil},
		{"dns", noPort("DNS_CHECK", ""), slCount, [3]int{1, 1, 1}, nil},
		{"ping", noPort("PING_CHECK", ""), slCount, [3]int{1, 1, 1}, nil},
	})
}

func TestSemLVSMiscCheck(t *testing.T) {
	misc := func(body string) string { return slCk("MISC_CHECK", body) }
	m := func(f func(*check.MiscSettings) any) func(*Config) any {
		return func(c *Config) any { return f(ck0(c).Misc()) }
	}
	path := m(func(x *check.MiscSettings) any { return x.Path })
	spec := func(raw, user, group string, argv ...string) script.Spec {
		return script.Spec{Raw: raw, Argv: argv, User: user, Group: group}
	}
	slRun(t, []slRow{
		{"path", misc("misc_path /bin/check"), path, spec("/bin/check", "", "", "/bin/check"), nil},
		{"quoted path", misc(`misc_path "/bin/check -p 80"`), path, spec("/bin/check -p 80", "", "", "/bin/check", "-p", "80"), nil},
		{"words after the command", misc("misc_path /bin/check nobody"), path, spec("/bin/check", "", "", "/bin/check"),
			[]slDiag{slI(lineCk, "misc_path: 'nobody' after the command is ignored, as keepalived does")}},
		{"user before path", misc("user nobody nogroup\nmisc_path /bin/check"), path, spec("/bin/check", "nobody", "nogroup", "/bin/check"), nil},
		{"user after path", misc("misc_path /bin/check\nuser daemon:adm"), path, spec("/bin/check", "daemon", "adm", "/bin/check"), nil},
		{"user keyword stays", misc("user nobody\nmisc_path /bin/check daemon"), path, spec("/bin/check", "nobody", "", "/bin/check"),
			[]slDiag{slI(lineCk+1, "misc_path: 'daemon' after the command is ignored")}},
		{"user bare", misc("misc_path /bin/check\nuser"), path, spec("/bin/check", "", "", "/bin/check"),
			[]slDiag{slW(lineCk+1, "'user' needs a value")}},
		{"defaults", misc("misc_path /bin/check"), m(func(x *check.MiscSettings) any { return []any{x.Timeout, x.Dynamic} }),
			[]any{time.Duration(0), false}, nil},
		{"timeout and dynamic", misc("misc_path /bin/check\nmisc_timeout 25\nmisc_dynamic"),
			m(func(x *check.MiscSettings) any { return []any{x.Timeout, x.Dynamic} }), []any{25 * time.Second, true}, nil},
		{"timeout largest", misc("misc_path /bin/check\nmisc_timeout 4294"), m(func(x *check.MiscSettings) any { return x.Timeout }), 4294 * time.Second, nil},
		{"timeout too long", misc("misc_path /bin/check\nmisc_timeout 4295"), m(func(x *check.MiscSettings) any { return x.Timeout }), time.Duration(0),
			[]slDiag{slW(lineCk+1, "misc_timeout: number '4295' outside range [0, 4294]")}},
		{"timeout fraction", misc("misc_path /bin/check\nmisc_timeout 2.5"), m(func(x *check.MiscSettings) any { return x.Timeout }), time.Duration(0),
			[]slDiag{slW(lineCk+1, "misc_timeout: invalid number '2.5'")}},
		{"misc_dynamic off", misc("misc_path /bin/check\nmisc_dynamic off"), m(func(x *check.MiscSettings) any { return x.Dynamic }), true,
			[]slDiag{slI(lineCk+1, "'misc_dynamic off': keepalived ignores the value and sets misc_dynamic")}},
		{"timeout 0 is the delay loop", misc("misc_path /bin/check\nmisc_timeout 3\nmisc_timeout 0"), m(func(x *check.MiscSettings) any { return x.Timeout }),
			time.Duration(0), nil},
		{"timeout bare", misc("misc_path /bin/check\nmisc_timeout"), m(func(x *check.MiscSettings) any { return x.Timeout }), time.Duration(0),
			[]slDiag{{Stop, lineCk + 1, "keyword `misc_timeout`"}}},
		{"retry default 0", misc("misc_path /bin/check"), func(c *Config) any { return ck0(c).Retry }, 0, nil},
		{"no path", misc("misc_timeout 3"), slCount, [3]int{1, 1, 0},
			[]slDiag{slW(lineCk-1, "No script path has been specified for MISC_CHECKER - skipping")}},
	})
}

func TestSemLVSSMTPCheck(t *testing.T) {
	smtp := func(body string) string { return slCk("SMTP_CHECK", body) }
	ips := func(c *Config) any {
		var out []string
		for _, k := range c.Checkers {
			ip := "-"
			if k.Conn().ConnectIP != nil {
				ip = k.Conn().ConnectIP.String()
			}
			out = append(out, ip)
		}
		return out
	}
	hostInfo := "SMTP_CHECK host {} is deprecated; each host becomes a checker of its own"
	slRun(t, []slRow{
		{"helo_name", smtp("helo_name mail.example"), func(c *Config) any { return ck0(c).SMTP().HeloName }, "mail.example", nil},
		{"helo_name default", smtp(""), func(c *Config) any { return ck0(c).SMTP().HeloName }, "", nil},
		{"helo_name bare", smtp("helo_name"), func(c *Config) any { return ck0(c).SMTP().HeloName }, "",
			[]slDiag{slW(lineCk, "'helo_name' needs a value")}},
		{"own connect_ip", smtp("connect_ip 192.0.2.25"), ips, []string{"192.0.2.25"}, nil},
		{"hosts", smtp("host {\nconnect_ip 192.0.2.25\n}\nhost {\n}"), ips, []string{"192.0.2.25", "-"},
			[]slDiag{slI(lineCk, hostInfo), slI(lineCk+3, hostInfo)}},
		{"host overrides the block", smtp("connect_ip 192.0.2.9\nconnect_port 25\nhost {\nconnect_port 2525\n}"), func(c *Config) any {
			return []any{ck0(c).Conn().ConnectIP.String(), ck0(c).ConnectPort}
		}, []any{"192.0.2.9", uint16(2525)}, []slDiag{slI(lineCk+2, hostInfo)}},
		{"host line is the checker's", smtp("host {\n}"), func(c *Config) any { return ck0(c).Source.Line() }, lineCk, []slDiag{slI(lineCk, hostInfo)}},
		{"host has no misc keywords", smtp("host {\nmisc_path /bin/x\n}"), nil, nil,
			[]slDiag{slI(lineCk, hostInfo), slW(lineCk+1, "unknown keyword 'misc_path' in host")}},
		{"host has no helo_name", smtp("host {\nhelo_name x\n}"), func(c *Config) any { return ck0(c).SMTP().HeloName }, "",
			[]slDiag{slI(lineCk, hostInfo), slW(lineCk+1, "unknown keyword 'helo_name' in host")}},
		{"host timers from the block", smtp("host {\n}\nretry 7"), func(c *Config) any { return ck0(c).Retry }, 7,
			[]slDiag{slI(lineCk, hostInfo)}},
		{"host timers of its own", smtp("retry 7\nhost {\nretry 2\ndelay_loop 9\n}\nhost {\n}"), func(c *Config) any {
			return []any{c.Checkers[0].Retry, c.Checkers[0].DelayLoop, c.Checkers[1].Retry, c.Checkers[1].DelayLoop}
		}, []any{2, 9 * time.Second, 7, 60 * time.Second}, []slDiag{slI(lineCk+1, hostInfo), slI(lineCk+5, hostInfo)}},
	})
}

func TestSemLVSDNSCheck(t *testing.T) {
	dns := func(body string) string { return slCk("DNS_CHECK", body) }
	d := func(c *Config) any { return *ck0(c).DNS() }
	var rows []slRow
	for _, ty := range []string{"A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA"} {
		rows = append(rows, slRow{"type " + ty, dns("type " + ty), d, check.DNSSettings{Type: ty, Name: "."}, nil})
	}
	rows = append(rows,
		slRow{"lower case", dns("type mx\nname example.org"), d, check.DNSSettings{Type: "MX", Name: "example.org"}, nil},
		slRow{"unknown", dns("type PTR"), d, check.DNSSettings{Type: "SOA", Name: "."},
			[]slDiag{slW(lineCk, "DNS_CHECK: unknown type 'PTR' (use A|NS|CNAME|SOA|MX|TXT|AAAA) - ignoring")}},
		slRow{"type bare", dns("type"), d, check.DNSSettings{Type: "SOA", Name: "."}, []slDiag{{Stop, lineCk, "keyword `type` at word position 2"}}},
		slRow{"name bare", dns("name"), d, check.DNSSettings{Type: "SOA", Name: "."}, []slDiag{{Stop, lineCk, "keyword `name` at word position 2"}}},
		slRow{"timers", dns("delay_loop 10"), func(c *Config) any {
			return []any{ck0(c).Retry, ck0(c).DelayBeforeRetry, ck0(c).Warmup}
		}, []any{3, 10 * time.Second, 10 * time.Second}, nil},
		slRow{"type in TCP_CHECK", slCk("TCP_CHECK", "type A"), nil, nil, []slDiag{slW(lineCk, "unknown keyword 'type' in TCP_CHECK")}},
	)
	slRun(t, rows)
}

func TestSemLVSUDPCheck(t *testing.T) {
	udp := func(body string) string { return slCk("UDP_CHECK", body) }
	u := func(c *Config) any { return *ck0(c).UDP() }
	slRun(t, []slRow{
		{"defaults", udp(""), u, check.UDPSettings{MaxReplyLength: 255}, nil},
		{"payload", udp("payload DEADbeef"), u, check.UDPSettings{Payload: []byte{0xde, 0xad, 0xbe, 0xef}, MaxReplyLength: 255}, nil},
		{"payload odd", udp("payload abc"), u, check.UDPSettings{MaxReplyLength: 255},
			[]slDiag{slW(lineCk, "UDP_CHECK payload 'abc' is not an even number of hex digits - ignoring")}},
		{"payload not hex", udp("payload zz"), u, check.UDPSettings{MaxReplyLength: 255}, []slDiag{slW(lineCk, "payload 'zz'")}},
		{"require_reply bare", udp("require_reply"), u, check.UDPSettings{RequireReply: true, MaxReplyLength: 255}, nil},
		{"require_reply pattern", udp("require_reply 0aXx"), u, check.UDPSettings{RequireReply: true, Reply: "0aXx", MaxReplyLength: 255}, nil},
		{"require_reply bad pattern", udp("require_reply 0aXq"), u, check.UDPSettings{RequireReply: true, MaxReplyLength: 255},
			[]slDiag{slW(lineCk, "UDP_CHECK require_reply '0aXq' is not hex with X wildcards - ignoring the pattern")}},
		{"lengths", udp("min_reply_length 0\nmax_reply_length 65535"), u, check.UDPSettings{MaxReplyLength: 65535}, nil},
		{"length too long", udp("min_reply_length 65536"), u, check.UDPSettings{MaxReplyLength: 255},
			[]slDiag{slW(lineCk, "min_reply_length: number '65536' outside range [0, 65535]")}},
		{"min above max", udp("min_reply_length 5\nmax_reply_length 4"), u, check.UDPSettings{MinReplyLength: 5, MaxReplyLength: 4},
			[]slDiag{slW(lineCk-1, "UDP_CHECK min_reply length 5 > max_reply_length 4 - will always fail")}},
		{"min above default max", udp("min_reply_length 256"), u, check.UDPSettings{MinReplyLength: 256, MaxReplyLength: 255},
			[]slDiag{slW(lineCk-1, "min_reply length 256 > max_reply_length 255")}},
		{"length word", udp("max_reply_length big"), u, check.UDPSettings{MaxReplyLength: 255},
			[]slDiag{slW(lineCk, "max_reply_length: invalid number 'big'")}},
		{"payload bare", udp("payload"), u, check.UDPSettings{MaxReplyLength: 255}, []slDiag{slW(lineCk, "'payload' needs a value")}},
	})
}

func TestSemLVSFileCheck(t *testing.T) {
	tf := "track_file tf {\nfile /run/tf\n}\n"
	fc := func(body string) string { return tf + slCk("FILE_CHECK", "track_file tf\n"+body) }
	f := func(c *Config) any { return *ck0(c).File() }
	at := lineCk + 4 // the line after track_file
	slRun(t, []slRow{
		{"tracked", fc(""), f, check.FileSettings{TrackFile: "tf", Path: "/run/tf"}, nil},
		{"weight", fc("weight -254"), f, check.FileSettings{TrackFile: "tf", Path: "/run/tf", Weight: -254}, nil},
		{"weight 255", fc("weight 255"), f, check.FileSettings{TrackFile: "tf", Path: "/run/tf", Weight: 255}, nil},
		{"weight reverse", fc("weight 254 reverse"), f, check.FileSettings{TrackFile: "tf", Path: "/run/tf", Weight: 254, Reverse: true}, nil},
		{"weight bad option", fc("weight 3 back"), f, check.FileSettings{TrackFile: "tf", Path: "/run/tf", Weight: 3},
			[]slDiag{slW(at, "FILE_CHECK weight: unknown option 'back' (only 'reverse' or 'noreverse')")}},
		{"weight noreverse", fc("weight 3 noreverse"), f, check.FileSettings{TrackFile: "tf", Path: "/run/tf", Weight: 3}, nil},
		{"weight of a real server", fc("weight 2147483647"), f, check.FileSettings{TrackFile: "tf", Path: "/run/tf", Weight: 2147483647}, nil},
		{"weight too large", fc("weight -2147483648"), f, check.FileSettings{TrackFile: "tf", Path: "/run/tf"},
			[]slDiag{slW(at, "weight: number '-2147483648' outside range [-2147483647, 2147483647]")}},
		{"weight word", fc("weight heavy"), f, check.FileSettings{TrackFile: "tf", Path: "/run/tf"},
			[]slDiag{slW(at, "weight: invalid number 'heavy'")}},
		{"track_file bare", tf + slCk("FILE_CHECK", "track_file"), slCount, [3]int{1, 1, 0},
			[]slDiag{slW(lineCk+3, "'track_file' needs a value"), slW(lineCk+2, "FILE_CHECK has no track_file specified - ignoring")}},
		{"tracker after", slCk("FILE_CHECK", "track_file tf") + tf, slCount, [3]int{1, 1, 0},
			[]slDiag{slW(lineCk-1, "FILE_CHECK track_file tf not found - ignoring")}},
		{"timers refused", fc("retry 3"), nil, nil, []slDiag{slW(at, "unknown keyword 'retry' in FILE_CHECK")}},
	})
}

func TestSemLVSPingAndBFD(t *testing.T) {
	slRun(t, []slRow{
		{"ping", slCk("PING_CHECK", "connect_ip 192.0.2.44\nretry 2"), func(c *Config) any {
			k := ck0(c)
			return []any{k.Kind, k.Conn().ConnectIP.String(), k.Retry, k.DelayBeforeRetry}
		}, []any{check.Ping, "192.0.2.44", 2, time.Second}, nil},
		{"bfd without its bfd_instance", slCk("BFD_CHECK", "name b"), slCount, [3]int{1, 1, 0},
			[]slDiag{slW(lineCk, "BFD_CHECK - BFD b not configured"), slW(lineCk-1, "No name has been specified for BFD_CHECKER - skipping")}},
		{"unknown checker", slCk("LDAP_CHECK", ""), slCount, [3]int{1, 1, 0},
			[]slDiag{slW(lineCk-1, "unknown keyword 'LDAP_CHECK' in real_server; its block is skipped")}},
		{"several on one real server", slRS("TCP_CHECK {\n}\nPING_CHECK {\n}\nTCP_CHECK {\nconnect_port 81\n}"), func(c *Config) any {
			var out []check.Kind
			for _, k := range c.Checkers {
				out = append(out, k.Kind)
			}
			return out
		}, []check.Kind{check.TCP, check.Ping, check.TCP}, nil},
	})
}
