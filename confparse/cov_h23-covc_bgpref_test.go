package confparse

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/ipvs"
)

// How a --bgp-config condition finds its keepalived.conf object, the
// number readers behind its AS and community words, which severities
// refuse the file, and includes read with the file's strictness.

func TestVSMatches(t *testing.T) {
	vip := netip.MustParseAddrPort("192.0.2.200:80")
	addr := bgp.Condition{Kind: bgp.VirtualServerQuorum, Addr: vip, Protocol: "TCP"}
	mark := bgp.Condition{Kind: bgp.VirtualServerQuorum, FWMark: 7}
	grp := bgp.Condition{Kind: bgp.VirtualServerQuorum, Group: "G", Protocol: "UDP"}
	for _, r := range []struct {
		name string
		c    bgp.Condition
		v    ipvs.VirtualServer
		want bool
	}{
		{"address and protocol", addr, ipvs.VirtualServer{Addr: vip, Protocol: ipvs.TCP}, true},
		{"other protocol", addr, ipvs.VirtualServer{Addr: vip, Protocol: ipvs.UDP}, false},
		{"other port", addr, ipvs.VirtualServer{Addr: netip.MustParseAddrPort("192.0.2.200:81"), Protocol: ipvs.TCP}, false},
		{"fwmark service with a leftover address", addr, ipvs.VirtualServer{Addr: vip, FWMark: 7, Protocol: ipvs.TCP}, false},
		{"group service with a leftover address", addr, ipvs.VirtualServer{Addr: vip, Group: "G", Protocol: ipvs.TCP}, false},
		{"fwmark", mark, ipvs.VirtualServer{FWMark: 7, Protocol: ipvs.UDP}, true},
		{"other fwmark", mark, ipvs.VirtualServer{FWMark: 8}, false},
		{"group and protocol", grp, ipvs.VirtualServer{Group: "G", Protocol: ipvs.UDP}, true},
		{"group, other protocol", grp, ipvs.VirtualServer{Group: "G", Protocol: ipvs.TCP}, false},
		{"other group", grp, ipvs.VirtualServer{Group: "H", Protocol: ipvs.UDP}, false},
	} {
		if got := vsMatches(r.c, r.v); got != r.want {
			t.Errorf("%s: vsMatches = %v, want %v", r.name, got, r.want)
		}
	}
}

// TestCheckBGPRefsGroup: a group condition is held against the group's
// virtual servers, protocol included, and its message names the prefix,
// the condition and the --bgp-config line.
func TestCheckBGPRefsGroup(t *testing.T) {
	kc, _ := loadSem(t, `virtual_server_group G {
    192.0.2.200 80
}
virtual_server group G {
    protocol UDP
    lb_algo mh
    lb_kind DR
    inhibit_on_failure
    real_server 192.0.2.21 80 {
    }
}
`)
	b, diags, p := loadBGPText(t, bgpHead+"announce 192.0.2.200 {\n virtual_server group G udp\n virtual_server group G\n}\n")
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	got := CheckBGPRefs(b, kc)
	want := "announce 192.0.2.200/32: virtual_server TCP group G has quorum: no such object in the keepalived configuration"
	if len(got) != 1 || got[0].Pos != (Pos{File: p, Line: 10}) || got[0].Severity != Warning || !strings.Contains(got[0].Msg, want) {
		t.Errorf("want one warning at line 10 %q: %v", want, got)
	}
}

func TestParseASAndCommunity(t *testing.T) {
	for in, want := range map[string]uint32{"1": 1, "65536": 65536, "1.0": 65536, "0.65535": 65535, "4294967295": 1<<32 - 1} {
		if got, err := parseAS(in); err != nil || got != want {
			t.Errorf("parseAS(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1.", ".1", "1.2.3", "65536.0", "0x10", "4294967296"} {
		if _, err := parseAS(in); err == nil {
			t.Errorf("parseAS(%q) accepted", in)
		}
	}
	for in, want := range map[string]uint32{"0:0": 0, "65000:100": 65000<<16 | 100, "65535:65535": 1<<32 - 1} {
		if got, err := parseCommunity(in); err != nil || got != want {
			t.Errorf("parseCommunity(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "65000", ":1", "1:", "65536:1", "1:65536", "1:2:3", "no-export"} {
		if _, err := parseCommunity(in); err == nil || !strings.Contains(err.Error(), "AS:VALUE, each 0-65535") {
			t.Errorf("parseCommunity(%q) = %v", in, err)
		}
	}
}

func TestBGPUsableSeverities(t *testing.T) {
	for _, r := range []struct {
		sev  Severity
		want bool
	}{{Info, true}, {Fatal, false}, {Warning, false}, {Security, false}, {Stop, false}} {
		if got := BGPUsable(Diagnostics{{Severity: r.sev, Msg: "x"}}); got != r.want {
			t.Errorf("BGPUsable(%s) = %v", r.sev, got)
		}
	}
	if !BGPUsable(nil) {
		t.Error("an empty list refused")
	}
}

// TestBGPKeywordsList: the manual page's list is the dispatch tables',
// by block and sorted.
func TestBGPKeywordsList(t *testing.T) {
	got := BGPKeywords()
	want := map[string][]string{
		"":         {"announce", "bgp", "neighbor"},
		"bgp":      {"listen_address", "listen_port", "local_as", "router_id", "shutdown_grace"},
		"neighbor": {"bfd", "ebgp_multihop", "hold_time", "keepalive_interval", "local_address", "passive", "password", "port", "remote_as"},
		"announce": {"as_path_prepend", "community", "med", "virtual_server", "vrrp_instance"},
	}
	for blk, ks := range want {
		if !slices.Equal(got[blk], ks) {
			t.Errorf("block %q: %v, want %v", blk, got[blk], ks)
		}
	}
	if len(got) != len(want) {
		t.Errorf("blocks %v", got)
	}
}

// TestLoadBGPIncludes: an include glob reads every match in order, a
// parameter and a ~SEQ expand as in keepalived.conf, and an error in an
// included file names that file's line.
func TestLoadBGPIncludes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("an-1.conf", "announce 192.0.2.10\n")
	bad := write("an-2.conf", "$P=192.0.2.\n~SEQ(i,20,21) announce ${P}$i\nannounce 192.0.2.10\n")
	c, diags, _ := loadBGPText(t, bgpHead+"include "+filepath.Join(dir, "an-*.conf")+"\n")
	var got []string
	for _, a := range c.Announces {
		got = append(got, a.Prefix.String()+"@"+filepath.Base(a.Pos.File()))
	}
	if w := []string{"192.0.2.10/32@an-1.conf", "192.0.2.20/32@an-2.conf", "192.0.2.21/32@an-2.conf"}; !slices.Equal(got, w) {
		t.Errorf("announces %v, want %v", got, w)
	}
	if len(diags) != 1 || diags[0].Pos != (Pos{File: bad, Line: 3}) || !strings.Contains(diags[0].Msg, "already announced at "+filepath.Join(dir, "an-1.conf")+":1") {
		t.Errorf("want the duplicate at an-2.conf:3 naming an-1.conf:1: %v", diags)
	}
}
