package confparse

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Direct tests of the Printer API the lvs.cf importer builds its output
// with, and of the defaults constructors it starts from.

// TestCheckerBlockDefaultsIsEmptyBlock: CheckerBlockDefaults is what an
// empty checker block of each kind reads as, so that code building
// checkers starts where a file would.
func TestCheckerBlockDefaultsIsEmptyBlock(t *testing.T) {
	rows := []struct {
		kind  check.Kind
		body  string // the least the kind accepts
		clear func(*check.Checker)
	}{
		{check.TCP, "", nil},
		{check.SMTP, "", nil},
		{check.DNS, "", nil},
		{check.UDP, "", nil},
		{check.HTTP, "url {\npath /\n}", func(c *check.Checker) { c.HTTP().URLs = nil }},
		{check.SSL, "url {\npath /\n}", func(c *check.Checker) { c.HTTP().URLs = nil }},
	}
	for _, r := range rows {
		t.Run(r.kind.String(), func(t *testing.T) {
			c, ds := lvsLoad(t, slCk(r.kind.String(), r.body))
			slExpect(t, ds, nil)
			if len(c.Checkers) != 1 {
				t.Fatalf("checkers %+v", c.Checkers)
			}
			got := *ck0(c)
			if r.clear != nil {
				r.clear(&got)
			}
			want := CheckerBlockDefaults(vs0(c), rs0(c), r.kind)
			if got.Source == want.Source {
				t.Error("the loaded checker names no source line")
			}
			got.Source = want.Source
			if !reflect.DeepEqual(got, want) {
				t.Errorf("file gives\n%+v\nCheckerBlockDefaults gives\n%+v", got, want)
			}
		})
	}
}

// TestInstanceDefaultsFollowGlobalDefs: InstanceDefaults runs the semantic
// pass under the file's global_defs, so a global default reaches it the
// way it reaches an instance read from the file.
func TestInstanceDefaultsFollowGlobalDefs(t *testing.T) {
	rows := []struct {
		name    string
		globals string
		same    func(a, b vrrp.Instance) bool
	}{
		{"plain", "", func(a, b vrrp.Instance) bool {
			return a.Priority == 100 && a.Version == 2 && a.AdvertInt == time.Second &&
				a.Priority == b.Priority && a.Version == b.Version && a.AdvertInt == b.AdvertInt
		}},
		{"vrrp_version 3", gdefs("vrrp_version 3"), func(a, b vrrp.Instance) bool {
			return a.Version == 3 && b.Version == 3
		}},
		{"garp repeat", gdefs("vrrp_garp_master_repeat 2", "vrrp_garp_master_delay 9"), func(a, b vrrp.Instance) bool {
			return a.GARP.MasterRepeat == 2 && a.GARP.MasterDelay == 9*time.Second && a.GARP == b.GARP
		}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c, ds := loadSem(t, r.globals+inst(""))
			matchDiags(t, ds, nil)
			d := InstanceDefaults(c)
			if d.Name != "" || d.VRID != 0 || !d.Source.IsZero() {
				t.Errorf("caller's fields not left empty: %q %d %v", d.Name, d.VRID, d.Source)
			}
			if !r.same(d, c.Instances[0]) {
				t.Errorf("defaults %+v\nfile %+v", d, c.Instances[0])
			}
		})
	}
}

// TestPrinterVirtualServer: notes land before the real server they name
// (len(Reals): after the last; beyond that: nowhere), and ExplicitTimers
// writes the delay_loop and connect_timeout that equal the defaults.
func TestPrinterVirtualServer(t *testing.T) {
	c, ds := lvsLoad(t, slCk("TCP_CHECK", ""))
	slExpect(t, ds, nil)
	rows := []struct {
		name     string
		explicit bool
		notes    []RealNote
		want     string
	}{
		{"plain", false, nil, "virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n" +
			"    real_server 192.0.2.10 80 {\n        weight 1\n        TCP_CHECK {\n        }\n    }\n}\n"},
		{"explicit timers and notes", true, []RealNote{{0, "before"}, {1, "after"}, {5, "lost"}},
			"virtual_server 192.0.2.1 80 {\n    delay_loop 60\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n" +
				"    # before\n    real_server 192.0.2.10 80 {\n        weight 1\n        TCP_CHECK {\n" +
				"            connect_timeout 5\n        }\n    }\n    # after\n}\n"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			var b bytes.Buffer
			pr := NewPrinter(&b)
			if r.explicit {
				pr.ExplicitTimers()
			}
			pr.VirtualServer(c, vs0(c), r.notes...)
			if err := pr.Flush(); err != nil {
				t.Fatal(err)
			}
			if b.String() != r.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), r.want)
			}
		})
	}
}

// TestPrinterCommentSpacing: a top-level comment after a block takes the
// blank line that separates blocks, so it sits with the block it heads;
// Blank suppresses the next block's own blank line.
func TestPrinterCommentSpacing(t *testing.T) {
	c, _ := lvsLoad(t, slVS(""))
	var b bytes.Buffer
	pr := NewPrinter(&b)
	pr.Comment("head")
	pr.Blank()
	pr.VirtualServer(c, vs0(c))
	pr.Comment("second")
	pr.VirtualServer(c, vs0(c))
	if err := pr.Flush(); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(b.String(), "\n")
	want := []string{"# head", "", "virtual_server 192.0.2.1 80 {"}
	if !reflect.DeepEqual(got[:3], want) {
		t.Errorf("head %q, want %q", got[:3], want)
	}
	if i := slices.Index(got, "# second"); i < 1 || got[i-1] != "" || got[i-2] != "}" ||
		got[i+1] != "virtual_server 192.0.2.1 80 {" {
		t.Errorf("second block spacing:\n%s", b.String())
	}
}

// TestPrintSSLBlock: the global SSL block prints the settings given, in
// keepalived's order, quoted where needed, and reads back the same.
func TestPrintSSLBlock(t *testing.T) {
	rows := []struct{ body, want string }{
		{"password secret\nca /etc/ca.pem\ncertificate /etc/c.pem\nkey /etc/k.pem",
			"SSL {\n    password secret\n    ca /etc/ca.pem\n    certificate /etc/c.pem\n    key /etc/k.pem\n}\n"},
		{"key \"/etc/my key.pem\"", "SSL {\n    key \"/etc/my key.pem\"\n}\n"},
	}
	for _, r := range rows {
		c, ds := lvsLoad(t, "SSL {\n"+r.body+"\n}\n")
		slExpect(t, ds, nil)
		var b bytes.Buffer
		if err := Print(&b, c); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); !strings.HasSuffix(got, r.want) {
			t.Errorf("printed\n%s\nwant it to end with\n%s", got, r.want)
		}
		back, ds := lvsLoad(t, b.String())
		slExpect(t, ds, nil)
		if !reflect.DeepEqual(back.SSL, c.SSL) {
			t.Errorf("read back %+v, want %+v", back.SSL, c.SSL)
		}
	}
}

// TestNewDefaultConfigPrintsNothing: the defaults constructor is what an
// empty file reads as, so printing it writes nothing at all.
func TestNewDefaultConfigPrintsNothing(t *testing.T) {
	var b bytes.Buffer
	if err := Print(&b, NewDefaultConfig()); err != nil || b.Len() != 0 {
		t.Errorf("printed %q, %v", b.String(), err)
	}
	c, ds := lvsLoad(t, "")
	slExpect(t, ds, nil)
	if !reflect.DeepEqual(c.Global, NewDefaultConfig().Global) || !reflect.DeepEqual(c.IPVS, NewDefaultConfig().IPVS) {
		t.Errorf("empty file\n%+v\ndefaults\n%+v", c.Global, NewDefaultConfig().Global)
	}
}

// TestQuoteWord: a printed word is quoted when the tokenizer would split
// it or read a comment or brace in it.
func TestQuoteWord(t *testing.T) {
	for in, want := range map[string]string{"": `""`, "plain": "plain", "/a/b.sh": "/a/b.sh",
		"two words": `"two words"`, "tab\there": "\"tab\there\"", "x#y": `"x#y"`, "x!y": `"x!y"`,
		"{": `"{"`, "}": `"}"`} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPrintTransportRoundTrip: each transport setting of an instance is
// printed only when set, and reads back as it was.
func TestPrintTransportRoundTrip(t *testing.T) {
	rows := []struct{ body, line string }{
		{"mcast_src_ip 192.0.2.5", "mcast_src_ip 192.0.2.5"},
		{"mcast_dst_ip 224.0.0.19", "mcast_dst_ip 224.0.0.19"},
		{"unicast_src_ip 192.0.2.6\nunicast_peer {\n192.0.2.7\n}", "unicast_src_ip 192.0.2.6"},
		{"unicast_ttl 4\nunicast_peer {\n192.0.2.7\n}", "unicast_ttl 4"},
		{"unicast_fault_no_peer\nunicast_peer {\n192.0.2.7\n}", "unicast_fault_no_peer"},
	}
	for _, r := range rows {
		c, ds := loadSem(t, inst(r.body))
		matchDiags(t, notYetless(ds), nil)
		var b bytes.Buffer
		if err := Print(&b, c); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, "\n    "+r.line+"\n") {
			t.Errorf("%q: printed\n%s", r.body, out)
		}
		for _, other := range rows {
			if other.line != r.line && strings.Contains(out, other.line) {
				t.Errorf("%q: unset %q printed", r.body, other.line)
			}
		}
		back, ds := loadSem(t, out)
		matchDiags(t, notYetless(ds), nil)
		if !reflect.DeepEqual(vrrpHalf(back).Instances, vrrpHalf(c).Instances) {
			t.Errorf("%q: read back\n%+v\nwant\n%+v", r.body, back.Instances, c.Instances)
		}
	}
}

// notYetless is ds without the warnings for settings govrrpd reads but
// does not apply yet (unicast_ttl other than 255): the round trip is about
// the printer.
func notYetless(ds Diagnostics) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if !strings.Contains(d.Msg, "is not supported by govrrpd yet") {
			out = append(out, d)
		}
	}
	return out
}
