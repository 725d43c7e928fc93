package iproute

import (
	"reflect"
	"strings"
	"testing"
)

func parseRule(t *testing.T, w []string) (Rule, error) {
	t.Helper()
	r, ps := ParseRule(w)
	return r, ps.Err()
}

func TestParseRule(t *testing.T) {
	base := func(m func(*Rule)) Rule {
		s := Rule{Family: 4, Preference: -1, Realm: -1, Goto: -1, SuppressPL: -1, SuppressIG: -1, Table: -1}
		m(&s)
		return s
	}
	u32 := func(v uint32) *uint32 { return &v }
	tests := []struct {
		in   string
		want Rule
	}{
		{"from 192.0.2.0/24 table 100 preference 200", base(func(s *Rule) { s.From, s.Table, s.Preference = pfx("192.0.2.0/24"), 100, 200 })},
		{"to 198.51.100.7 lookup main priority 5", base(func(s *Rule) { s.To, s.Preference, s.Table = pfx("198.51.100.7/32"), 5, 254 })},
		{"from all iif eth0 oif vrrp.1 order 7 table 9", base(func(s *Rule) { s.IIF, s.OIF, s.Preference, s.Table = "eth0", "vrrp.1", 7, 9 })},
		{"fwmark 0x10/0xff table 5", base(func(s *Rule) { s.FWMark, s.Mark, s.Mask, s.Table = "0x10/0xff", 16, u32(255), 5 })},
		{"fwmark 3 table 5", base(func(s *Rule) { s.FWMark, s.Mark, s.Table = "3", 3, 5 })},
		{"tos 0x10 uidrange 100-200 sport 1000-2000 dport 53 ipproto udp table 5", base(func(s *Rule) {
			s.Tos, s.Table, s.IPProto = 16, 5, 17
			s.UIDRange = &Range{100, 200}
			s.Sport, s.Dport = &Range{1000, 2000}, &Range{53, 53}
		})},
		{"from 2001:db8::/32 goto 300 pref 10", base(func(s *Rule) {
			s.Family, s.From, s.Goto, s.Preference, s.Table = 6, pfx("2001:db8::/32"), 300, 10, -1
		})},
		{"inet6 table 7 suppress_prefixlength 0 suppress_ifgroup 3", base(func(s *Rule) {
			s.Family, s.Table, s.SuppressPL, s.SuppressIG = 6, 7, 0, 3
		})},
		{"not from 192.0.2.1 prohibit", base(func(s *Rule) { s.Not, s.From, s.Action, s.Table = true, pfx("192.0.2.1/32"), RTNProhibit, -1 })},
		{"blackhole to 198.51.100.0/24", base(func(s *Rule) { s.Action, s.To, s.Table = RTNBlackhole, pfx("198.51.100.0/24"), -1 })},
		{"from 192.0.2.0/24 realms 3/4 protocol static no_track track_group g table 8", base(func(s *Rule) {
			s.From, s.Realm, s.Proto, s.Table = pfx("192.0.2.0/24"), 3<<16|4, 4, 8
			s.NoTrack, s.TrackGroup = true, "g"
		})},
	}
	for _, tc := range tests {
		got, err := parseRule(t, strings.Fields(tc.in))
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseRuleRefused(t *testing.T) {
	for _, in := range []string{
		"from 192.0.2.0/24 to 2001:db8::/32", // mixed families
		"from 192.0.2.0/24 l3mdev",           // unsupported: refused, not ignored
		"fwmark x",
		"fwmark 1/y",
		"dport 70000",
		"uidrange 10-5",
		"table",
		"preference -3",
		"frobnicate",
		"nat 192.0.2.1",
		"goto 0",
		"ipproto nosuch",
	} {
		if s, ps := ParseRule(strings.Fields(in)); ps.Err() == nil {
			t.Errorf("%q: accepted as %+v", in, s)
		}
	}
}
