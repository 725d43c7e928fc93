package netconf

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

// confparse gives a rule without preference keepalived's automatic one; the
// words do not carry it.
func TestRuleSpecOfAutoPreference(t *testing.T) {
	s, err := ruleSpecOf(vrrp.Rule{Words: strings.Fields("from 192.0.2.0/24 table 100"), Preference: 16384})
	if err != nil || s.Preference != 16384 {
		t.Errorf("%+v %v", s, err)
	}
	s, err = ruleSpecOf(vrrp.Rule{Words: strings.Fields("from 192.0.2.0/24 table 100 pref 5"), Preference: 5})
	if err != nil || s.Preference != 5 {
		t.Errorf("%+v %v", s, err)
	}
	s, err = ruleSpecOf(vrrp.Rule{From: pfx("192.0.2.0/24"), Table: 100, FWMark: "7", Preference: 9})
	if err != nil || s.Table != 100 || s.Mark != 7 || s.Preference != 9 {
		t.Errorf("typed: %+v %v", s, err)
	}
}

// Whatever iproute accepts, the installer turns into a rule of its family
// that looks a table up, jumps or acts.
func FuzzRuleToNetlink(f *testing.F) {
	for _, s := range []string{"from 192.0.2.0/24 table 100", "not to 2001:db8::/32 goto 5", "fwmark 0x1/0x3 prohibit",
		"sport 1-2 dport 3 uidrange 4-5 ipproto tcp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := readRule(strings.Fields(in))
		if err != nil {
			return
		}
		r := ruleToNetlink(s)
		if (r.Family == unix.AF_INET6) != (s.Family == 6) {
			t.Fatalf("%q: family %d vs %d", in, r.Family, s.Family)
		}
		if s.From.IsValid() && s.From.Addr().Is4() != (s.Family == 4) {
			t.Fatalf("%q: from %s in family %d", in, s.From, s.Family)
		}
		if s.KernelTable() < 0 && s.Goto < 0 && s.Action == 0 {
			t.Fatalf("%q: rule without action", in)
		}
	})
}

func TestRulesInNamespace(t *testing.T) {
	needRoot(t)
	a, b := newTestNS(t, "ua"), newTestNS(t, "ub")
	vethPair(t, a, "a0", []string{"192.0.2.1/24"}, b, "b0", []string{"192.0.2.2/24"})
	entries := []struct {
		words string
		check func(netlink.Rule) bool
	}{
		{"from 192.0.2.0/24 table 100 pref 1000", func(r netlink.Rule) bool { return r.Table == 100 && r.Src.String() == "192.0.2.0/24" }},
		{"to 198.51.100.0/24 table 101 pref 1001", func(r netlink.Rule) bool { return r.Dst.String() == "198.51.100.0/24" }},
		{"iif a0 oif lo table 102 pref 1002", func(r netlink.Rule) bool { return r.IifName == "a0" && r.OifName == "lo" }},
		{"fwmark 0x10/0xff table 103 pref 1003", func(r netlink.Rule) bool { return r.Mark == 16 && r.Mask != nil && *r.Mask == 255 }},
		{"tos 0x10 table 104 pref 1004", func(r netlink.Rule) bool { return r.Tos == 16 }},
		{"uidrange 100-200 table 105 pref 1005", func(r netlink.Rule) bool { return r.UIDRange != nil && r.UIDRange.End == 200 }},
		{"ipproto tcp sport 1000-2000 dport 80 table 106 pref 1006", func(r netlink.Rule) bool {
			return r.IPProto == unix.IPPROTO_TCP && r.Sport != nil && r.Sport.End == 2000 && r.Dport != nil && r.Dport.Start == 80
		}},
		{"goto 1000 pref 900", func(r netlink.Rule) bool { return r.Goto == 1000 }},
		{"table 107 suppress_prefixlength 0 pref 1007", func(r netlink.Rule) bool { return r.SuppressPrefixlen == 0 }},
		// netlink's RuleList does not decode the action; ip rule does.
		{"not from 192.0.2.9 prohibit pref 1008", func(r netlink.Rule) bool {
			return r.Invert && r.Table == 0 && strings.Contains(ipRuleShow(a, "1008"), "not from 192.0.2.9 prohibit")
		}},
		{"from 2001:db8::/32 table 108 pref 1009", func(r netlink.Rule) bool { return r.Family == unix.AF_INET6 && r.Table == 108 }},
	}
	a.run(t, func() error {
		for _, e := range entries {
			r := vrrp.Rule{Words: strings.Fields(e.words), Preference: -1}
			for i := 0; i < 2; i++ {
				if err := AddRule(r); err != nil {
					return fmt.Errorf("add #%d: %w", i, err)
				}
			}
			got, err := rulesAt(e.words)
			if err != nil {
				return err
			}
			if len(got) != 1 || !e.check(got[0]) {
				return fmt.Errorf("%q: read back %+v", e.words, got)
			}
			for i := 0; i < 2; i++ {
				if err := DelRule(r); err != nil {
					return fmt.Errorf("del #%d: %w", i, err)
				}
			}
			if got, _ := rulesAt(e.words); len(got) != 0 {
				return fmt.Errorf("%q: still there: %+v", e.words, got)
			}
		}
		return nil
	})
}

func ipRuleShow(n *testNS, pref string) string {
	out, _ := exec.Command("ip", "-n", n.name, "rule", "show", "pref", pref).CombinedOutput()
	return string(out)
}

// rulesAt lists the rules at the entry's preference.
func rulesAt(words string) ([]netlink.Rule, error) {
	s, err := readRule(strings.Fields(words))
	if err != nil {
		return nil, err
	}
	fam := netlink.FAMILY_V4
	if s.Family == 6 {
		fam = netlink.FAMILY_V6
	}
	return netlink.RuleListFiltered(fam, &netlink.Rule{Priority: s.Preference}, netlink.RT_FILTER_PRIORITY)
}
