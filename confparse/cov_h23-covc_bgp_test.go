package confparse

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
)

// Every keyword of the --bgp-config file, one row per edge of its range,
// its default and its refusal at FILE:LINE: the file is govrrpd's own, so
// each message here is one that makes BGPUsable refuse the file.

// bgpRow is one --bgp-config file: ok checks what was read (nil: nothing),
// diags is every warning it must give, by line and a piece of its text.
type bgpRow struct {
	name  string
	text  string
	ok    func(*bgp.Config) bool
	diags []want
}

func runBGPRows(t *testing.T, rows []bgpRow) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c, diags, p := loadBGPText(t, r.text)
			if r.ok != nil && !r.ok(c) {
				t.Errorf("read wrong from\n%s\n%+v", r.text, c)
			}
			if BGPUsable(diags) != (len(r.diags) == 0) {
				t.Errorf("BGPUsable = %v with %v", BGPUsable(diags), diags)
			}
			used := make([]bool, len(diags))
			for _, w := range r.diags {
				i := slicesIndex(diags, used, func(d Diagnostic) bool {
					return d.Severity == w.sev && d.Pos == (Pos{File: p, Line: w.line}) && strings.Contains(d.Msg, w.msg)
				})
				if i < 0 {
					t.Errorf("missing %s at line %d: %q; got:\n%s", w.sev, w.line, w.msg, diags)
					continue
				}
				used[i] = true
			}
			for i, d := range diags {
				if !used[i] {
					t.Errorf("unexpected %s", d)
				}
			}
		})
	}
}

func slicesIndex(ds Diagnostics, used []bool, f func(Diagnostic) bool) int {
	for i, d := range ds {
		if !used[i] && f(d) {
			return i
		}
	}
	return -1
}

// bgpGlob is a whole file whose bgp block has body at line 4.
func bgpGlob(body string) string {
	return "bgp {\n local_as 65001\n router_id 192.0.2.1\n" + body + "\n}\nneighbor 198.51.100.1 {\n remote_as 65000\n}\n"
}

// bgpNb adds a second neighbour (line 8) whose body starts at line 10.
func bgpNb(body string) string {
	return bgpHead + "neighbor 198.51.100.2 {\n remote_as 1\n" + body + "\n}\n"
}

// bgpAn adds an announcement (line 8) whose body starts at line 9.
func bgpAn(body string) string { return bgpHead + "announce 192.0.2.200 {\n" + body + "\n}\n" }

func nb1(f func(bgp.Neighbor) bool) func(*bgp.Config) bool {
	return func(c *bgp.Config) bool { return len(c.Neighbors) == 2 && f(c.Neighbors[1]) }
}

func an0(f func(bgp.Announce) bool) func(*bgp.Config) bool {
	return func(c *bgp.Config) bool { return len(c.Announces) == 1 && f(c.Announces[0]) }
}

func TestBGPGlobalKeywords(t *testing.T) {
	runBGPRows(t, []bgpRow{
		{"defaults", bgpGlob(""), func(c *bgp.Config) bool {
			return c.ShutdownGrace == bgp.DefaultShutdownGrace && c.ListenPort == 0 && !c.ListenAddress.IsValid()
		}, nil},
		{"largest 4-octet AS", strings.Replace(bgpGlob(""), "65001", "4294967295", 1),
			func(c *bgp.Config) bool { return c.LocalAS == 1<<32-1 }, nil},
		{"largest asdot AS", strings.Replace(bgpGlob(""), "65001", "65535.65535", 1),
			func(c *bgp.Config) bool { return c.LocalAS == 1<<32-1 }, nil},
		{"AS zero", strings.Replace(bgpGlob(""), "65001", "0", 1), nil,
			[]want{warnAt(2, "local_as: invalid AS number '0'"), warnAt(1, "bgp: local_as is required")}},
		{"AS above 32 bits", strings.Replace(bgpGlob(""), "65001", "4294967296", 1), nil,
			[]want{warnAt(2, "invalid AS number '4294967296' (1-4294967295 or HIGH.LOW)"), warnAt(1, "local_as is required")}},
		{"asdot low half too large", strings.Replace(bgpGlob(""), "65001", "1.65536", 1), nil,
			[]want{warnAt(2, "invalid AS number '1.65536'"), warnAt(1, "local_as is required")}},
		{"local_as without a value", strings.Replace(bgpGlob(""), " 65001", "", 1), nil,
			[]want{warnAt(2, "'local_as' needs a value"), warnAt(1, "local_as is required")}},
		{"router_id not an address", strings.Replace(bgpGlob(""), "192.0.2.1", "r1", 1), nil,
			[]want{warnAt(3, "router_id: invalid IP address 'r1'"), warnAt(1, "router_id is required")}},
		{"listen_port", bgpGlob("listen_port 65535"), func(c *bgp.Config) bool { return c.ListenPort == 65535 }, nil},
		{"listen_port zero", bgpGlob("listen_port 0"), nil,
			[]want{warnAt(4, "listen_port: number '0' outside range [1, 65535]")}},
		{"listen_address IPv6", bgpGlob("listen_address 2001:db8::5"),
			func(c *bgp.Config) bool { return c.ListenAddress == netip.MustParseAddr("2001:db8::5") }, nil},
		{"listen_address bad", bgpGlob("listen_address here"), nil,
			[]want{warnAt(4, "listen_address: invalid IP address 'here'")}},
		{"shutdown_grace zero", bgpGlob("shutdown_grace 0"), func(c *bgp.Config) bool { return c.ShutdownGrace == 0 }, nil},
		{"shutdown_grace a minute", bgpGlob("shutdown_grace 60"),
			func(c *bgp.Config) bool { return c.ShutdownGrace == time.Minute }, nil},
		{"shutdown_grace above a minute", bgpGlob("shutdown_grace 61"), func(c *bgp.Config) bool {
			return c.ShutdownGrace == bgp.DefaultShutdownGrace // the failed read keeps the default
		}, []want{warnAt(4, "shutdown_grace: number '61' outside range")}},
		{"shutdown_grace not a time", bgpGlob("shutdown_grace soon"), nil,
			[]want{warnAt(4, "shutdown_grace: invalid time 'soon'")}},
		{"value missing", bgpGlob("listen_port"), nil, []want{warnAt(4, "'listen_port' needs a value")}},
		{"unknown keyword names its block", bgpGlob("hostname dir1"), nil,
			[]want{warnAt(4, "unknown keyword 'hostname' in bgp")}},
		{"keepalived keyword refused", bgpGlob("router_id_v6 2001:db8::1"), nil,
			[]want{warnAt(4, "unknown keyword 'router_id_v6' in bgp")}},
		{"bgp with an argument", strings.Replace(bgpGlob(""), "bgp {", "bgp main {", 1), nil,
			[]want{warnAt(1, "'bgp' takes no argument")}},
		{"second bgp block", bgpGlob("") + "bgp {\n local_as 65009\n}\n", func(c *bgp.Config) bool {
			return c.LocalAS == 65001 && c.Pos.Line() == 1
		}, []want{warnAt(9, "a second 'bgp' block (the first is at ")}},
	})
}
