package confparse

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
)

const bgpHead = "bgp {\n local_as 65001\n router_id 192.0.2.1\n}\nneighbor 198.51.100.1 {\n remote_as 65000\n}\n"

func loadBGPText(t testing.TB, text string) (*bgp.Config, Diagnostics, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bgp.conf")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, d := LoadBGP(p, Options{})
	return c, d, p
}

func TestLoadBGP(t *testing.T) {
	c, diags, p := loadBGPText(t, `bgp {
    local_as 65001
    router_id 192.0.2.1
    listen_port 1179
    shutdown_grace 1.5
}
neighbor 198.51.100.1 {
    remote_as 1.10
    hold_time 9
    keepalive_interval 3
    password "s3cret"
    port 2179
    passive
}
announce 192.0.2.200/32 {
    virtual_server 192.0.2.200 80
    virtual_server fwmark 7
    virtual_server group G udp
    vrrp_instance VI_1
    community 65000:100 65000:200
    med 10
    as_path_prepend 2
}
announce 192.0.2.201
`)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	at := func(line int) Pos { return Pos{File: p, Line: line} }
	want := &bgp.Config{LocalAS: 65001, RouterID: netip.MustParseAddr("192.0.2.1"), ListenPort: 1179,
		ShutdownGrace: 1500 * time.Millisecond, Pos: at(1).src(),
		Neighbors: []bgp.Neighbor{{Address: netip.MustParseAddr("198.51.100.1"), AS: 1<<16 | 10, Port: 2179,
			HoldTime: 9 * time.Second, Keepalive: 3 * time.Second, Password: "s3cret", Passive: true, Pos: at(7).src()}},
		Announces: []bgp.Announce{{Prefix: netip.MustParsePrefix("192.0.2.200/32"),
			Communities: []uint32{65000<<16 | 100, 65000<<16 | 200}, MED: 10, HasMED: true, Prepend: 2, Pos: at(15).src(),
			Conditions: []bgp.Condition{
				{Kind: bgp.VirtualServerQuorum, Protocol: "TCP", Addr: netip.MustParseAddrPort("192.0.2.200:80"), Pos: at(16).src()},
				{Kind: bgp.VirtualServerQuorum, FWMark: 7, Pos: at(17).src()},
				{Kind: bgp.VirtualServerQuorum, Protocol: "UDP", Group: "G", Pos: at(18).src()},
				{Kind: bgp.InstanceMaster, Instance: "VI_1", Pos: at(19).src()},
			}},
			{Prefix: netip.MustParsePrefix("192.0.2.201/32"), Pos: at(24).src()}},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestLoadBGPErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int
		msg        string
	}{
		{"no bgp block", "neighbor 198.51.100.1 {\n remote_as 1\n}\n", 0, "no 'bgp' block"},
		{"no local_as", "bgp {\n router_id 192.0.2.1\n}\nneighbor 198.51.100.1 {\n remote_as 1\n}\n", 1, "local_as is required"},
		{"router id v6", "bgp {\n local_as 1\n router_id 2001:db8::1\n}\n", 3, "not an IPv4 address"},
		{"no neighbour", "bgp {\n local_as 1\n router_id 192.0.2.1\n}\n", 1, "no neighbor"},
		{"unknown keyword", bgpHead + "announce 192.0.2.200/32 {\n nexthop self\n}\n", 9, "unknown keyword 'nexthop' in announce 192.0.2.200/32"},
		{"unknown top block", bgpHead + "bfd_instance x {\n}\n", 8, "unknown keyword 'bfd_instance'"},
		{"bfd refused", bgpHead + "neighbor 198.51.100.2 {\n remote_as 1\n bfd\n}\n", 10, "GoBGP, govrrpd's BGP engine, has no BFD"},
		{"remote_as missing", bgpHead + "neighbor 198.51.100.2 {\n hold_time 9\n}\n", 8, "remote_as is required"},
		{"bad AS", bgpHead + "neighbor 198.51.100.2 {\n remote_as 65536.1\n}\n", 9, "invalid AS number"},
		{"hold time 2", bgpHead + "neighbor 198.51.100.2 {\n remote_as 1\n hold_time 2\n}\n", 10, "at least 3 seconds"},
		{"keepalive above hold", bgpHead + "neighbor 198.51.100.2 {\n remote_as 1\n hold_time 3\n keepalive_interval 3\n}\n", 8, "must be below hold_time"},
		{"duplicate neighbour", bgpHead + "neighbor 198.51.100.1 {\n remote_as 1\n}\n", 8, "already defined at"},
		{"bad prefix", bgpHead + "announce 192.0.2.300/32\n", 8, "invalid prefix"},
		{"host bits", bgpHead + "announce 192.0.2.1/24\n", 8, "did you mean 192.0.2.0/24"},
		{"IPv6 prefix", bgpHead + "announce 2001:db8::1/128\n", 8, "only IPv4"},
		{"duplicate prefix", bgpHead + "announce 192.0.2.200\nannounce 192.0.2.200/32\n", 9, "already announced"},
		{"bad community", bgpHead + "announce 192.0.2.200 {\n community 70000:1\n}\n", 9, "invalid community"},
		{"bad virtual server", bgpHead + "announce 192.0.2.200 {\n virtual_server 192.0.2.200\n}\n", 9, "want IP PORT"},
		{"bad protocol", bgpHead + "announce 192.0.2.200 {\n virtual_server 192.0.2.200 80 icmp\n}\n", 9, "want IP PORT"},
		{"block on a value", bgpHead + "announce 192.0.2.200 {\n med {\n }\n}\n", 9, "'med' takes no block"},
		{"value as block", bgpHead + "neighbor 198.51.100.2\n", 8, "needs a { } block"},
		{"missing include", bgpHead + "include /nonexistent/bgp-*.conf\n", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags, p := loadBGPText(t, tc.text)
			if tc.msg == "" {
				if !BGPUsable(diags) {
					t.Fatalf("refused: %v", diags)
				}
				return
			}
			if BGPUsable(diags) {
				t.Fatalf("usable; diagnostics %v", diags)
			}
			for _, d := range diags {
				if strings.Contains(d.Msg, tc.msg) && (tc.line == 0 || d.Pos == Pos{File: p, Line: tc.line}) {
					return
				}
			}
			t.Errorf("no %q at line %d in %v", tc.msg, tc.line, diags)
		})
	}
}

func TestLoadBGPInclude(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "peers.conf")
	if err := os.WriteFile(inc, []byte("neighbor 198.51.100.9 {\n remote_as 65000\n bogus 1\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, diags, _ := loadBGPText(t, bgpHead+"include "+inc+"\n")
	if len(c.Neighbors) != 2 || c.Neighbors[1].Address != netip.MustParseAddr("198.51.100.9") {
		t.Errorf("neighbours %+v", c.Neighbors)
	}
	if len(diags) != 1 || diags[0].Pos != (Pos{File: inc, Line: 3}) {
		t.Errorf("want the included file's line 3: %v", diags)
	}
}

func TestCheckBGPRefs(t *testing.T) {
	kc, kd := loadText(t, `vrrp_instance VI_1 {
    interface lo
    virtual_router_id 1
    priority 100
    virtual_ipaddress {
        192.0.2.9
    }
}
virtual_server 192.0.2.200 80 {
    protocol TCP
    real_server 192.0.2.21 80 {
    }
}
virtual_server fwmark 7 {
    real_server 192.0.2.21 80 {
    }
}
`)
	_ = kd
	b, diags, p := loadBGPText(t, bgpHead+`announce 192.0.2.200 {
    virtual_server 192.0.2.200 80
    virtual_server 192.0.2.200 80 UDP
    virtual_server fwmark 7
    virtual_server fwmark 8
    vrrp_instance VI_1
    vrrp_instance VI_2
}
`)
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	got := CheckBGPRefs(b, kc)
	var lines []int
	for _, d := range got {
		if d.Pos.File != p {
			t.Errorf("position %v", d.Pos)
		}
		lines = append(lines, d.Pos.Line)
	}
	if !reflect.DeepEqual(lines, []int{10, 12, 14}) {
		t.Errorf("want lines 10, 12, 14: %v", got)
	}
}

// FuzzLoadBGP: whatever the file, LoadBGP returns a Config and
// diagnostics, never panics, and a usable file has its required parts.
func FuzzLoadBGP(f *testing.F) {
	f.Add(bgpHead + "announce 192.0.2.200/32 {\n virtual_server 192.0.2.200 80\n community 1:2\n med 3\n}\n")
	f.Add("bgp {\n local_as 4294967295\n router_id 0.0.0.0\n}\nneighbor ::1 {\n remote_as 0.1\n hold_time 0\n}\n")
	f.Add("$X=1\n@h bgp {\n}\n~SEQ(i,1,3) announce 192.0.2.$i\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in string) {
		c, diags := LoadBGP(fuzzFile(t, dir, in), Options{})
		if c == nil {
			t.Fatal("nil config")
		}
		if BGPUsable(diags) && (c.LocalAS == 0 || !c.RouterID.IsValid() || len(c.Neighbors) == 0) {
			t.Fatalf("usable without its required parts: %+v", c)
		}
		for _, n := range c.Neighbors {
			if n.AS == 0 {
				t.Fatalf("neighbour without AS: %+v", n)
			}
		}
	})
}
