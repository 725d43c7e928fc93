package confparse

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
)

// chkLoad loads one virtual server whose single real server holds the
// given checker blocks, with vsBody and rsBody added to the two levels.
func chkLoad(t testing.TB, vsBody, rsBody, checkers string) ([]*check.Checker, Diagnostics) {
	t.Helper()
	src := vsSrc("192.0.2.1 80", lvsHead+vsBody+"real_server 192.0.2.10 80 {\n"+rsBody+checkers+"}\n")
	c, ds := lvsLoad(t, src)
	return c.Checkers, ds
}

func TestCheckerInheritance(t *testing.T) {
	s := time.Second
	cases := []struct {
		name, vs, rs, ck      string
		retry                 int
		dbr, loop, warm, conn time.Duration
		alpha                 bool
	}{
		{"tcp defaults", "", "", "TCP_CHECK {\n}\n", 1, s, 60 * s, 60 * s, 5 * s, false},
		{"http defaults", "", "", "HTTP_GET {\nurl {\npath /\n}\n}\n", 1, 3 * s, 60 * s, 60 * s, 5 * s, false},
		{"ssl defaults", "", "", "SSL_GET {\nurl {\npath /\n}\n}\n", 1, 3 * s, 60 * s, 60 * s, 5 * s, false},
		{"dns defaults", "delay_loop 7\n", "", "DNS_CHECK {\n}\n", 3, 7 * s, 7 * s, 7 * s, 5 * s, false},
		{"dns own loop", "", "", "DNS_CHECK {\ndelay_loop 4\n}\n", 3, 4 * s, 4 * s, 4 * s, 5 * s, false},
		{"misc defaults", "", "", "MISC_CHECK {\nmisc_path /bin/true\n}\n", 0, s, 60 * s, 60 * s, 5 * s, false},
		{"from vs", "delay_loop 6\nconnect_timeout 2\nretry 4\ndelay_before_retry 2\nwarmup 1\nalpha\n", "",
			"TCP_CHECK {\n}\n", 4, 2 * s, 6 * s, s, 2 * s, true},
		{"rs over vs", "delay_loop 6\nretry 4\nalpha\n", "delay_loop 8\nretry 2\nalpha off\nconnect_timeout 9\ndelay_before_retry 0\nwarmup 3\n",
			"TCP_CHECK {\n}\n", 2, 0, 8 * s, 3 * s, 9 * s, false},
		{"checker over rs", "", "retry 2\ndelay_loop 8\n",
			"TCP_CHECK {\nretry 5\ndelay_loop 3\nconnect_timeout 1\ndelay_before_retry 2\nalpha\n}\n", 5, 2 * s, 3 * s, 3 * s, s, true},
		{"nb_get_retry", "", "", "HTTP_GET {\nurl {\npath /\n}\nnb_get_retry 6\n}\n", 6, 3 * s, 60 * s, 60 * s, 5 * s, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cks, ds := chkLoad(t, tc.vs, tc.rs, tc.ck)
			if len(cks) != 1 {
				t.Fatalf("%d checkers\n%s", len(cks), ds)
			}
			c := cks[0]
			if c.Retry != tc.retry || c.DelayBeforeRetry != tc.dbr || c.DelayLoop != tc.loop ||
				c.Warmup != tc.warm || c.ConnectTimeout != tc.conn || c.Alpha != tc.alpha {
				t.Errorf("got retry %d dbr %v loop %v warmup %v conn %v alpha %v",
					c.Retry, c.DelayBeforeRetry, c.DelayLoop, c.Warmup, c.ConnectTimeout, c.Alpha)
			}
			want := check.Target{Service: "192.0.2.1:80/TCP", Real: netip.MustParseAddrPort("192.0.2.10:80")}
			if c.Target != want {
				t.Errorf("target %+v", c.Target)
			}
		})
	}
}

func TestCheckerDiagnostics(t *testing.T) {
	cases := []struct {
		name, ck, want string
		n              int
	}{
		{"digest length", "HTTP_GET {\nurl {\npath /\ndigest abc\n}\n}\n", "digest 'abc' character length should be 32 rather than 3", 1},
		{"digest hex", "HTTP_GET {\nurl {\npath /\ndigest zz0205b7b0fc66c1ea91c463fac6334d\n}\n}\n", "is not hexadecimal", 1},
		{"status code", "HTTP_GET {\nurl {\npath /\nstatus_code 99 600 200-\n}\n}\n", "Invalid HTTP_GET status code '200-'", 1},
		{"no url", "HTTP_GET {\n}\n", "HTTP_GET has no url specified", 0},
		{"misc without path", "MISC_CHECK {\n}\n", "No script path has been specified for MISC_CHECKER - skipping", 0},
		{"file without track_file", "FILE_CHECK {\n}\n", "FILE_CHECK has no track_file specified - ignoring", 0},
		{"file undefined", "FILE_CHECK {\ntrack_file nope\n}\n", "FILE_CHECK track_file nope not found", 0},
		{"bfd undefined", "BFD_CHECK {\nname b\n}\n", "BFD_CHECK - BFD b not configured", 0},
		{"sni_name", "SSL_GET {\nurl {\npath /\n}\nsni_name x\n}\n", "Unknown keyword 'sni_name': it needs keepalived", 1},
		{"tls_compliant", "SSL_GET {\nurl {\npath /\n}\ntls_compliant\n}\n", "Unknown keyword 'tls_compliant': it needs keepalived 2.2.8", 1},
		{"nb_get_retry", "HTTP_GET {\nurl {\npath /\n}\nnb_get_retry 2\n}\n", "nb_get_retry is deprecated - please use 'retry'", 1},
		{"connect_port range", "TCP_CHECK {\nconnect_port 70000\n}\n", "Invalid checker connect_port '70000'", 1},
		{"re2", "HTTP_GET {\nurl {\npath /\nregex (?<=a)b\n}\n}\n", "Go's RE2 syntax", 1},
		{"dns type", "DNS_CHECK {\ntype XYZ\n}\n", "DNS_CHECK: unknown type 'XYZ'", 1},
		{"udp payload", "UDP_CHECK {\npayload abc\n}\n", "payload 'abc' is not an even number of hex digits", 1},
		{"unknown", "TCP_CHECK {\nbogus 1\n}\n", "unknown keyword 'bogus' in TCP_CHECK", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cks, ds := chkLoad(t, "", "", tc.ck)
			if !lvsHasDiag(ds, tc.want) {
				t.Errorf("missing %q in\n%s", tc.want, ds)
			}
			if ds.ExitCode() != int(Warning) {
				t.Errorf("exit code %d", ds.ExitCode())
			}
			if len(cks) != tc.n {
				t.Errorf("%d checkers, want %d", len(cks), tc.n)
			}
		})
	}
}

func TestCheckerKinds(t *testing.T) {
	cases := []struct {
		name, ck string
		want     func(*check.Checker) bool
	}{
		{"http urls", `HTTP_GET {
url {
path /a
digest 640205B7B0FC66C1EA91C463FAC6334D
status_code 200-299 404
virtualhost a.example
regex "^ok"
regex_no_match
regex_options caseless multiline
regex_min_offset 2
regex_max_offset 90
}
url {
path /b
}
http_protocol 1.1
virtualhost h.example
fast_recovery
connect_ip 192.0.2.50
connect_port 8080
bindto 192.0.2.2
bind_port 4000
bind_if eth0
fwmark 9
log_all_failures
}
`, func(c *check.Checker) bool {
			u := c.HTTP().URLs[0]
			return len(c.HTTP().URLs) == 2 && u.Path == "/a" && u.Digest == "640205b7b0fc66c1ea91c463fac6334d" &&
				reflect.DeepEqual(u.StatusCodes, []check.StatusRange{{Lo: 200, Hi: 299}, {Lo: 404, Hi: 404}}) && u.Virtualhost == "a.example" &&
				u.Regex == "^ok" && u.RegexNoMatch && len(u.RegexOptions) == 2 && u.RegexMinOffset == 2 && u.RegexMaxOffset == 90 &&
				c.HTTP().Protocol == "1.1" && c.HTTP().Virtualhost == "h.example" && c.HTTP().FastRecovery &&
				addrIs(c.Conn().ConnectIP, "192.0.2.50") && c.ConnectPort == 8080 && addrIs(c.Conn().BindTo, "192.0.2.2") &&
				c.BindPort == 4000 && c.Conn().BindIf == "eth0" && c.FWMark == 9 && c.LogAllFailures && c.HTTP().URLs[1].StatusCodes == nil
		}},
		{"ssl sni", "SSL_GET {\nurl {\npath /\n}\nenable_sni\n}\n", func(c *check.Checker) bool {
			return c.Kind == check.SSL && c.HTTP().EnableSNI && c.HTTP().Protocol == "1.0"
		}},
		{"misc", "MISC_CHECK {\nuser nobody nogroup\nmisc_path \"/bin/check a b\"\nmisc_timeout 4\nmisc_dynamic\n}\n", func(c *check.Checker) bool {
			return c.Misc().Path.Raw == "/bin/check a b" && c.Misc().Path.User == "nobody" && c.Misc().Path.Group == "nogroup" &&
				c.Misc().Timeout == 4*time.Second && c.Misc().Dynamic
		}},
		{"smtp", "SMTP_CHECK {\nhelo_name mx.example\n}\n", func(c *check.Checker) bool { return c.SMTP().HeloName == "mx.example" }},
		{"dns", "DNS_CHECK {\ntype aaaa\nname example.com\n}\n", func(c *check.Checker) bool {
			return c.DNS().Type == "AAAA" && c.DNS().Name == "example.com"
		}},
		{"dns defaults", "DNS_CHECK {\n}\n", func(c *check.Checker) bool { return c.DNS().Type == "SOA" && c.DNS().Name == "." }},
		{"udp", "UDP_CHECK {\npayload 0a0B\nrequire_reply 0aXX\nmin_reply_length 2\nmax_reply_length 40\n}\n", func(c *check.Checker) bool {
			return bytes.Equal(c.UDP().Payload, []byte{0x0a, 0x0b}) && c.UDP().RequireReply && c.UDP().Reply == "0aXX" &&
				c.UDP().MinReplyLength == 2 && c.UDP().MaxReplyLength == 40
		}},
		{"udp defaults", "UDP_CHECK {\n}\n", func(c *check.Checker) bool { return c.UDP().MaxReplyLength == 255 && !c.UDP().RequireReply }},
		{"ping", "PING_CHECK {\nconnect_ip 192.0.2.77\n}\n", func(c *check.Checker) bool {
			return c.Kind == check.Ping && addrIs(c.Conn().ConnectIP, "192.0.2.77")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cks, ds := chkLoad(t, "", "", tc.ck)
			if len(cks) != 1 {
				t.Fatalf("%d checkers\n%s", len(cks), ds)
			}
			if !tc.want(cks[0]) {
				t.Errorf("unexpected checker %+v\nHTTP %+v\n%s", *cks[0], cks[0].HTTP(), ds)
			}
		})
	}
}

func TestSMTPHostBlocks(t *testing.T) {
	cks, ds := chkLoad(t, "", "", `SMTP_CHECK {
    host {
        connect_ip 192.0.2.20
    }
    helo_name mx.example
    host {
        connect_ip 192.0.2.21
        connect_port 587
    }
    retry 4
}
`)
	if len(cks) != 2 {
		t.Fatalf("%d checkers, want one per host\n%s", len(cks), ds)
	}
	for i, ip := range []string{"192.0.2.20", "192.0.2.21"} {
		c := cks[i]
		if !addrIs(c.Conn().ConnectIP, ip) || c.SMTP().HeloName != "mx.example" || c.Retry != 4 {
			t.Errorf("host %d: %+v %+v", i, c, c.SMTP())
		}
	}
	if cks[1].ConnectPort != 587 || cks[0].ConnectPort != 0 {
		t.Errorf("ports %d %d", cks[0].ConnectPort, cks[1].ConnectPort)
	}
}

func TestSSLBlock(t *testing.T) {
	src := vsSrc("192.0.2.1 443", lvsHead+"real_server 192.0.2.10 443 {\nSSL_GET {\nurl {\npath /\n}\n}\n}\n") +
		"SSL {\npassword secret\nca /etc/ca.pem\ncertificate /etc/c.pem\nkey /etc/k.pem\n}\n"
	c, ds := lvsLoad(t, src)
	want := &check.TLSSettings{Password: "secret", CA: "/etc/ca.pem", Certificate: "/etc/c.pem", Key: "/etc/k.pem"}
	if !reflect.DeepEqual(c.SSL, want) {
		t.Fatalf("SSL %+v\n%s", c.SSL, ds)
	}
	if len(c.Checkers) != 1 || c.Checkers[0].HTTP().TLS != c.SSL {
		t.Errorf("SSL_GET does not carry the SSL block")
	}
}

// FuzzVirtualServer feeds arbitrary virtual_server bodies through the
// semantic pass and the printer: nothing may panic, and whatever is read
// must print into a file that reads back to the same LVS settings.
func FuzzVirtualServer(f *testing.F) {
	f.Add("192.0.2.1 80", lvsHead+"real_server 192.0.2.10 80 {\nweight 2\nTCP_CHECK {\nconnect_timeout 3\n}\n}\n")
	f.Add("fwmark 4", "lb_kind TUN type gue port 6080\npersistence_timeout\nreal_server 192.0.2.10 {\nHTTP_GET {\nurl {\npath /\nstatus_code 200-299 404\n}\n}\n}\n")
	f.Add("2001:db8::1 53", lvsHead+"sorry_server 2001:db8::9 53\nreal_server 2001:db8::10 53 {\nDNS_CHECK {\ntype AAAA\n}\nUDP_CHECK {\npayload 00ff\nrequire_reply 0X\n}\n}\n")
	f.Add("group G", lvsHead+"quorum 3\nhysteresis 1\nreal_server 192.0.2.10 80 {\nMISC_CHECK {\nmisc_path \"/bin/x y\"\nmisc_timeout 2\n}\nSMTP_CHECK {\nhost {\nconnect_ip 192.0.2.3\n}\n}\n}\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, header, body string) {
		src := "virtual_server_group G {\n192.0.2.1-5 80\n}\n" + vsSrc(header, body)
		p := filepath.Join(dir, "in.conf")
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		c1, _ := Load(p, Options{})
		var buf bytes.Buffer
		if err := Print(&buf, c1); err != nil {
			t.Fatal(err)
		}
		q := filepath.Join(dir, "out.conf")
		if err := os.WriteFile(q, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		c2, _ := Load(q, Options{})
		if a, b := lvsPartOf(c1), lvsPartOf(c2); !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip differs\nin:\n%s\nprinted:\n%s\nfirst:  %+v\nsecond: %+v", src, buf.String(), a, b)
		}
	})
}

// addrIs reports whether an optional address is set to s.
func addrIs(a *netip.Addr, s string) bool { return a != nil && *a == netip.MustParseAddr(s) }

// TestCheckerBlockNames: the checkers' block names written out in
// checkerBlocks are check.Kind's own, one for every kind.
func TestCheckerBlockNames(t *testing.T) {
	seen := map[check.Kind]bool{}
	for _, b := range checkerBlocks {
		if b.name != b.kind.String() {
			t.Errorf("block %q registered for %v", b.name, b.kind)
		}
		if _, ok := rsTable[b.name]; !ok {
			t.Errorf("%s is not a real_server block", b.name)
		}
		seen[b.kind] = true
	}
	for k := check.TCP; k <= check.BFD; k++ {
		if !seen[k] {
			t.Errorf("no real_server block for %v", k)
		}
	}
}
