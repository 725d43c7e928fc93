package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/bgp"
)

func TestSloppyAdvice(t *testing.T) {
	vs := func(proto string) bgp.Condition { return bgp.Condition{Kind: bgp.VirtualServerQuorum, Protocol: proto} }
	vi := bgp.Condition{Kind: bgp.InstanceMaster, Instance: "VI_1"}
	cfg := func(conds ...bgp.Condition) *bgp.Config {
		return &bgp.Config{Announces: []bgp.Announce{{Conditions: conds}}}
	}
	sysctl := func(tcp, sctp string) func(string) ([]byte, error) {
		return func(p string) ([]byte, error) {
			v := map[string]string{"/proc/sys/net/ipv4/vs/sloppy_tcp": tcp, "/proc/sys/net/ipv4/vs/sloppy_sctp": sctp}[p]
			if v == "" {
				return nil, errors.New("no such file")
			}
			return []byte(v + "\n"), nil
		}
	}
	cases := []struct {
		name string
		cfg  *bgp.Config
		read func(string) ([]byte, error)
		want []string // "" = no message
	}{
		{"tcp off", cfg(vs("TCP")), sysctl("0", "0"), []string{"sloppy_tcp=1"}},
		{"tcp on", cfg(vs("TCP")), sysctl("1", "0"), nil},
		{"fwmark off", cfg(bgp.Condition{Kind: bgp.VirtualServerQuorum, FWMark: 7}), sysctl("0", "0"), []string{"sloppy_tcp=1"}},
		{"sctp off", cfg(vs("SCTP")), sysctl("1", "0"), []string{"sloppy_sctp=1"}},
		{"both off", cfg(vs("TCP"), vs("SCTP")), sysctl("0", "0"), []string{"sloppy_tcp=1 and net.ipv4.vs.sloppy_sctp=1"}},
		{"udp", cfg(vs("UDP")), sysctl("0", "0"), nil},
		{"one director at a time", cfg(vs("TCP"), vi), sysctl("0", "0"), nil},
		{"always announced", cfg(), sysctl("0", "0"), nil},
		{"no IPVS", cfg(vs("TCP")), sysctl("", ""), nil},
	}
	for _, c := range cases {
		got := sloppyAdvice(c.cfg, c.read)
		if len(c.want) == 0 && got != "" || len(c.want) > 0 && !strings.Contains(got, c.want[0]) {
			t.Errorf("%s: %q, want %v", c.name, got, c.want)
		}
	}
}
