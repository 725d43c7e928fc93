package confparse

import (
	"fmt"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
)

// inherit is a virtual server, real server and checker of kind, each
// level with its own body.
func inherit(kind, vs, rs, ck string) string {
	extra := ""
	switch kind {
	case "HTTP_GET", "SSL_GET":
		extra = "url {\npath /\n}\n"
	case "MISC_CHECK":
		extra = "misc_path /nonexistent/check\n"
	}
	return slHead + vs + "real_server 192.0.2.10 80 {\n" + rs + kind + " {\n" + extra + ck + "}\n}\n}\n"
}

// ckTimers is what a checker holds of the inheritable settings.
type ckTimers struct {
	Retry                       int
	DBR, Loop, Warm, ConnectTmo time.Duration
	Alpha                       bool
}

func ckTimersOf(c *Config) any {
	k := ck0(c)
	return ckTimers{k.Retry, k.DelayBeforeRetry, k.DelayLoop, k.Warmup, k.ConnectTimeout, k.Alpha}
}

// Each kind's own defaults when no level sets anything.
func TestSemLVSCheckerKindDefaults(t *testing.T) {
	s := time.Second
	rows := []struct {
		kind string
		want ckTimers
	}{
		{"TCP_CHECK", ckTimers{1, s, 60 * s, 60 * s, 5 * s, false}},
		{"HTTP_GET", ckTimers{1, 3 * s, 60 * s, 60 * s, 5 * s, false}},
		{"SSL_GET", ckTimers{1, 3 * s, 60 * s, 60 * s, 5 * s, false}},
		{"SMTP_CHECK", ckTimers{1, s, 60 * s, 60 * s, 5 * s, false}},
		{"DNS_CHECK", ckTimers{3, 60 * s, 60 * s, 60 * s, 5 * s, false}},
		{"UDP_CHECK", ckTimers{1, s, 60 * s, 60 * s, 5 * s, false}},
		{"PING_CHECK", ckTimers{1, s, 60 * s, 60 * s, 5 * s, false}},
		{"MISC_CHECK", ckTimers{0, s, 60 * s, 60 * s, 5 * s, false}},
	}
	var out []slRow
	for _, r := range rows {
		out = append(out, slRow{r.kind, inherit(r.kind, "", "", ""), ckTimersOf, r.want, nil})
	}
	slRun(t, out)
}

// Each inheritable setting at each combination of the three levels: the
// checker's own wins, then the real server's, then the virtual server's,
// then the kind's default.
func TestSemLVSCheckerPrecedence(t *testing.T) {
	fields := []struct {
		key          string
		vs, rs, ck   string // the value each level writes
		v, r, c, def any    // what the checker then holds
		get          func(*check.Checker) any
	}{
		{"retry", "4", "5", "6", 4, 5, 6, 1, func(k *check.Checker) any { return k.Retry }},
		{"delay_before_retry", "4", "5", "6", 4 * time.Second, 5 * time.Second, 6 * time.Second, time.Second,
			func(k *check.Checker) any { return k.DelayBeforeRetry }},
		{"delay_loop", "4", "5", "6", 4 * time.Second, 5 * time.Second, 6 * time.Second, 60 * time.Second,
			func(k *check.Checker) any { return k.DelayLoop }},
		{"warmup", "4", "5", "6", 4 * time.Second, 5 * time.Second, 6 * time.Second, 60 * time.Second,
			func(k *check.Checker) any { return k.Warmup }},
		{"connect_timeout", "4", "5", "6", 4 * time.Second, 5 * time.Second, 6 * time.Second, 5 * time.Second,
			func(k *check.Checker) any { return k.ConnectTimeout }},
		// alpha is a bare flag on the service, a boolean below it.
		{"alpha", "", "off", "on", true, false, true, false, func(k *check.Checker) any { return k.Alpha }},
	}
	var rows []slRow
	for _, f := range fields {
		line := func(v string) string { return f.key + " " + v + "\n" }
		get := func(c *Config) any { return f.get(ck0(c)) }
		for _, combo := range []struct {
			name       string
			vs, rs, ck bool
			want       any
		}{
			{"none", false, false, false, f.def},
			{"virtual", true, false, false, f.v},
			{"real", false, true, false, f.r},
			{"checker", false, false, true, f.c},
			{"virtual and real", true, true, false, f.r},
			{"virtual and checker", true, false, true, f.c},
			{"real and checker", false, true, true, f.c},
			{"all", true, true, true, f.c},
		} {
			var vs, rs, ck string
			if combo.vs {
				vs = line(f.vs)
			}
			if combo.rs {
				rs = line(f.rs)
			}
			if combo.ck {
				ck = line(f.ck)
			}
			rows = append(rows, slRow{f.key + " " + combo.name, inherit("TCP_CHECK", vs, rs, ck), get, combo.want, nil})
		}
	}
	slRun(t, rows)
}

// The settings that default to the delay loop follow the level that sets
// the loop; the virtual server may set its values after the real servers.
func TestSemLVSCheckerLoopFollowers(t *testing.T) {
	s := time.Second
	slRun(t, []slRow{
		{"warmup follows the checker's loop", inherit("TCP_CHECK", "delay_loop 9\n", "", "delay_loop 3\n"), ckTimersOf,
			ckTimers{1, s, 3 * s, 3 * s, 5 * s, false}, nil},
		{"warmup follows the real server's loop", inherit("TCP_CHECK", "", "delay_loop 7\n", ""), ckTimersOf,
			ckTimers{1, s, 7 * s, 7 * s, 5 * s, false}, nil},
		{"a warmup set stays", inherit("TCP_CHECK", "warmup 2\n", "", "delay_loop 3\n"), ckTimersOf,
			ckTimers{1, s, 3 * s, 2 * s, 5 * s, false}, nil},
		{"dns retry delay follows the checker's loop", inherit("DNS_CHECK", "delay_loop 9\n", "", "delay_loop 4\n"), ckTimersOf,
			ckTimers{3, 4 * s, 4 * s, 4 * s, 5 * s, false}, nil},
		{"dns retry delay set on the service", inherit("DNS_CHECK", "delay_before_retry 2\n", "", "delay_loop 4\n"), ckTimersOf,
			ckTimers{3, 2 * s, 4 * s, 4 * s, 5 * s, false}, nil},
		{"http retry delay from the service", inherit("HTTP_GET", "delay_before_retry 0.5\n", "", ""), ckTimersOf,
			ckTimers{1, 500 * time.Millisecond, 60 * s, 60 * s, 5 * s, false}, nil},
		{"service values after the real server", slHead + "real_server 192.0.2.10 80 {\nTCP_CHECK {\n}\n}\nretry 8\ndelay_loop 2\nalpha\n}\n",
			ckTimersOf, ckTimers{8, s, 2 * s, 2 * s, 5 * s, true}, nil},
		{"a bad checker value inherits", inherit("TCP_CHECK", "retry 4\n", "", "retry -1\n"), ckTimersOf,
			ckTimers{4, s, 60 * s, 60 * s, 5 * s, false}, []slDiag{slW(8, "retry: number '-1' outside range [0, 2147483647]")}},
	})
}

// Every checker of a service carries its key and its real server.
func TestSemLVSCheckerTargets(t *testing.T) {
	targets := func(c *Config) any {
		var out []string
		for _, k := range c.Checkers {
			out = append(out, fmt.Sprintf("%s %s", k.Target.Service, k.Target.Real))
		}
		return out
	}
	two := func(hdr, proto string) string {
		return "virtual_server " + hdr + " {\nlb_algo rr\nlb_kind NAT\n" + proto +
			"real_server 192.0.2.10 8080 {\nTCP_CHECK {\n}\n}\nreal_server 192.0.2.11 8081 {\nTCP_CHECK {\n}\nPING_CHECK {\n}\n}\n}\n"
	}
	slRun(t, []slRow{
		{"address", two("192.0.2.1 80", "protocol TCP\n"), targets,
			[]string{"192.0.2.1:80/TCP 192.0.2.10:8080", "192.0.2.1:80/TCP 192.0.2.11:8081", "192.0.2.1:80/TCP 192.0.2.11:8081"}, nil},
		{"fwmark", two("fwmark 5", ""), targets,
			[]string{"fwmark 5/4 192.0.2.10:8080", "fwmark 5/4 192.0.2.11:8081", "fwmark 5/4 192.0.2.11:8081"}, nil},
		{"udp", two("192.0.2.1 53", "protocol UDP\n"), targets,
			[]string{"192.0.2.1:53/UDP 192.0.2.10:8080", "192.0.2.1:53/UDP 192.0.2.11:8081", "192.0.2.1:53/UDP 192.0.2.11:8081"}, nil},
		{"dropped duplicate keeps no checker", slHead + "real_server 192.0.2.10 80 {\nTCP_CHECK {\n}\n}\nreal_server 192.0.2.10 80 {\nPING_CHECK {\n}\n}\n}\n",
			func(c *Config) any { return []any{len(c.Checkers), c.Checkers[0].Kind} }, []any{1, check.TCP},
			[]slDiag{slW(9, "real server 192.0.2.10:80 is duplicated - removing second rs")}},
	})
}

// CheckerDefaults, which converters use to build checkers, agrees with
// what the semantic pass gives a checker block that sets nothing.
func TestSemLVSCheckerDefaultsFunc(t *testing.T) {
	s := time.Second
	i, d, b := func(v int) *int { return &v }, func(v time.Duration) *time.Duration { return &v }, func(v bool) *bool { return &v }
	cases := []struct {
		name string
		vs   func(*ipvs.VirtualServer)
		rs   ipvs.RealServer
		kind check.Kind
		want ckTimers
		body string // the same, as keepalived.conf lines of the service and the real server
		rsb  string
	}{
		{"tcp", func(*ipvs.VirtualServer) {}, ipvs.RealServer{}, check.TCP, ckTimers{1, s, 60 * s, 60 * s, 5 * s, false}, "", ""},
		{"dns", func(*ipvs.VirtualServer) {}, ipvs.RealServer{}, check.DNS, ckTimers{3, 60 * s, 60 * s, 60 * s, 5 * s, false}, "", ""},
		{"service values", func(v *ipvs.VirtualServer) {
			v.Retry, v.DelayLoop, v.ConnectTimeout, v.DelayBeforeRetry, v.Warmup, v.WarmupSet, v.Alpha = 2, 9*s, 3*s, 4*s, 0, true, true
		}, ipvs.RealServer{}, check.HTTP, ckTimers{2, 4 * s, 9 * s, 0, 3 * s, true},
			"retry 2\ndelay_loop 9\nconnect_timeout 3\ndelay_before_retry 4\nwarmup 0\nalpha\n", ""},
		{"real server values", func(v *ipvs.VirtualServer) { v.Retry = 2 }, ipvs.RealServer{Opts: &ipvs.RealOptions{Retry: i(1), DelayBeforeRetry: d(s), Warmup: d(2 * s),
			Alpha: b(true), DelayLoop: 7 * s, ConnectTimeout: s}}, check.Misc, ckTimers{1, s, 7 * s, 2 * s, s, true},
			"retry 2\n", "retry 1\ndelay_before_retry 1\nwarmup 2\nalpha\ndelay_loop 7\nconnect_timeout 1\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vs := VirtualServerDefaults()
			tc.vs(&vs)
			got := CheckerDefaults(&vs, &tc.rs, tc.kind)
			if g := (ckTimers{got.Retry, got.DelayBeforeRetry, got.DelayLoop, got.Warmup, got.ConnectTimeout, got.Alpha}); g != tc.want {
				t.Errorf("CheckerDefaults %+v, want %+v", g, tc.want)
			}
			c, ds := lvsLoad(t, inherit(tc.kind.String(), tc.body, tc.rsb, ""))
			if len(c.Checkers) != 1 || ds.HasErrors() {
				t.Fatalf("file form: %d checkers\n%s", len(c.Checkers), ds)
			}
			if g := ckTimersOf(c); g != any(tc.want) {
				t.Errorf("file form %+v, want %+v", g, tc.want)
			}
		})
	}
}
