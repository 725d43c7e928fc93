package check_test

import (
	"net/netip"
	"testing"

	"github.com/govrrpd/govrrpd/check"
)

// A checker copied from another (an SMTP_CHECK's host blocks are) keeps
// its own connection addresses once either sets one.
func TestEditConnLeavesCopiesAlone(t *testing.T) {
	a := netip.MustParseAddr("192.0.2.1")
	b := netip.MustParseAddr("192.0.2.2")
	orig := check.Checker{Kind: check.SMTP}
	orig.EditConn().ConnectIP = &a
	cp := orig
	cp.EditConn().ConnectIP = &b
	cp.EditConn().BindIf = "eth1"
	if got := orig.Conn(); got.ConnectIP != &a || got.BindIf != "" {
		t.Errorf("original changed through its copy: %+v", got)
	}
	if got := cp.Conn(); got.ConnectIP != &b || got.BindIf != "eth1" {
		t.Errorf("copy: %+v", got)
	}
	if got := (&check.Checker{}).Conn(); got != (check.ConnAddrs{}) {
		t.Errorf("no addresses given: %+v", got)
	}
}

// Each accessor returns its own kind's settings and nil for any other.
func TestSettingsAccessors(t *testing.T) {
	cases := []struct {
		s    check.KindSettings
		want string
	}{
		{&check.HTTPSettings{}, "HTTP"}, {&check.MiscSettings{}, "Misc"}, {&check.SMTPSettings{}, "SMTP"},
		{&check.DNSSettings{}, "DNS"}, {&check.UDPSettings{}, "UDP"}, {&check.FileSettings{}, "File"},
		{&check.BFDSettings{}, "BFD"}, {nil, ""},
	}
	for _, tc := range cases {
		c := check.Checker{Settings: tc.s}
		got := map[string]bool{"HTTP": c.HTTP() != nil, "Misc": c.Misc() != nil, "SMTP": c.SMTP() != nil,
			"DNS": c.DNS() != nil, "UDP": c.UDP() != nil, "File": c.File() != nil, "BFD": c.BFD() != nil}
		for k, set := range got {
			if set != (k == tc.want) {
				t.Errorf("Settings %T: %s() set %v", tc.s, k, set)
			}
		}
	}
}

// Kind prints as keepalived spells the block.
func TestKindString(t *testing.T) {
	want := map[check.Kind]string{check.TCP: "TCP_CHECK", check.HTTP: "HTTP_GET", check.SSL: "SSL_GET",
		check.Misc: "MISC_CHECK", check.SMTP: "SMTP_CHECK", check.DNS: "DNS_CHECK", check.UDP: "UDP_CHECK",
		check.Ping: "PING_CHECK", check.File: "FILE_CHECK", check.BFD: "BFD_CHECK"}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("%d prints %q, want %q", k, k.String(), s)
		}
	}
}
