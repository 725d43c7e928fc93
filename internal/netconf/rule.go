package netconf

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/iproute"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Policy routing rules of virtual_rules / static_rules, read from the
// words as `ip rule add` would read them (iproute).

// readRule reads a rule entry for installing; see readRoute.
func readRule(w []string) (iproute.Rule, error) {
	s, ps := iproute.ParseRule(w)
	if err := ps.Err(); err != nil {
		return s, fmt.Errorf("rule %q: %w", strings.Join(w, " "), err)
	}
	return s, nil
}

func ruleToNetlink(s iproute.Rule) *netlink.Rule {
	r := netlink.NewRule()
	r.Family = unix.AF_INET
	if s.Family == 6 {
		r.Family = unix.AF_INET6
	}
	r.Priority, r.Invert, r.Goto = s.Preference, s.Not, s.Goto
	r.Table = s.KernelTable()
	r.IifName, r.OifName = s.IIF, s.OIF
	r.Mark, r.Mask = s.Mark, s.Mask
	r.Tos, r.Flow = uint(s.Tos), s.Realm
	if u := s.UIDRange; u != nil {
		r.UIDRange = netlink.NewRuleUIDRange(u.Lo, u.Hi)
	}
	if p := s.Sport; p != nil {
		r.Sport = netlink.NewRulePortRange(uint16(p.Lo), uint16(p.Hi))
	}
	if p := s.Dport; p != nil {
		r.Dport = netlink.NewRulePortRange(uint16(p.Lo), uint16(p.Hi))
	}
	r.IPProto = s.IPProto
	r.SuppressPrefixlen, r.SuppressIfgroup = s.SuppressPL, s.SuppressIG
	r.Type, r.Protocol = s.Action, s.Proto
	if s.From.IsValid() {
		r.Src = prefixNet(s.From)
	}
	if s.To.IsValid() {
		r.Dst = prefixNet(s.To)
	}
	return r
}

func prefixNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// ruleSpecOf parses the words; the preference confparse assigned to a rule
// written without one (keepalived's count-down from 16384) fills the gap.
func ruleSpecOf(r vrrp.Rule) (iproute.Rule, error) {
	w := r.Words
	if len(w) == 0 {
		add := func(k, v string, ok bool) {
			if ok {
				w = append(w, k, v)
			}
		}
		add("from", r.From.String(), r.From.IsValid())
		add("to", r.To.String(), r.To.IsValid())
		add("table", strconv.Itoa(r.Table), r.Table != 0)
		add("iif", r.IIF, r.IIF != "")
		add("oif", r.OIF, r.OIF != "")
		add("fwmark", r.FWMark, r.FWMark != "")
	}
	s, err := readRule(w)
	if err == nil && s.Preference < 0 && r.Preference >= 0 {
		s.Preference = r.Preference
	}
	return s, err
}

// AddRule installs r; a rule already there is success.
func AddRule(r vrrp.Rule) error {
	s, err := ruleSpecOf(r)
	if err != nil {
		return err
	}
	if err := netlink.RuleAdd(ruleToNetlink(s)); err != nil && !errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("add rule %q: %w", strings.Join(r.Words, " "), err)
	}
	return nil
}

// DelRule removes r; a rule that is not there is not an error.
func DelRule(r vrrp.Rule) error {
	s, err := ruleSpecOf(r)
	if err != nil {
		return err
	}
	if err := netlink.RuleDel(ruleToNetlink(s)); err != nil && !errors.Is(err, syscall.ENOENT) {
		return fmt.Errorf("remove rule %q: %w", strings.Join(r.Words, " "), err)
	}
	return nil
}
