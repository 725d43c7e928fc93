package snmpagent

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
	"github.com/govrrpd/govrrpd/vrrp"
)

func TestSettingsFrom(t *testing.T) {
	host, _ := os.Hostname()
	cases := []struct {
		name   string
		snmp   confparse.SNMPDefs
		flags  Flags
		socket string
		mibs   snmpmib.MIBs
	}{
		{"off", confparse.SNMPDefs{}, Flags{}, DefaultSocket, 0},
		{"-x turns on every tree", confparse.SNMPDefs{}, Flags{SNMP: true}, DefaultSocket,
			snmpmib.KeepalivedVRRP | snmpmib.KeepalivedChecker | snmpmib.RFCv2 | snmpmib.RFCv3},
		{"the file's trees", confparse.SNMPDefs{VRRP: true, RFCv2: true, Socket: "tcp:127.0.0.1:705"}, Flags{}, "tcp:127.0.0.1:705",
			snmpmib.KeepalivedVRRP | snmpmib.RFCv2},
		{"-P leaves the checker out", confparse.SNMPDefs{}, Flags{SNMP: true, VRRPOnly: true}, DefaultSocket,
			snmpmib.KeepalivedVRRP | snmpmib.RFCv2 | snmpmib.RFCv3},
		{"-C serves the checker only", confparse.SNMPDefs{}, Flags{SNMP: true, CheckOnly: true}, DefaultSocket, snmpmib.KeepalivedChecker},
		{"-A wins over snmp_socket", confparse.SNMPDefs{Checker: true, Socket: "/a"}, Flags{Socket: "/b"}, "/b", snmpmib.KeepalivedChecker},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := &confparse.Config{Instances: []vrrp.Instance{{Name: "VI_1", Version: 2}}}
			cfg.Global.SNMP = c.snmp
			s := SettingsFrom(cfg, c.flags)
			// With no tree served nothing describes the host: it would
			// be kept for nothing, an entry per instance.
			router, described := host, 1
			if c.mibs == 0 {
				router, described = "", 0
			}
			if s.Socket != c.socket || s.MIBs != c.mibs || s.Host.RouterID != router || len(s.Host.Instances) != described {
				t.Errorf("got socket %q mibs %b router %q, %d instances described; want %q %b %q, %d",
					s.Socket, s.MIBs, s.Host.RouterID, len(s.Host.Instances), c.socket, c.mibs, router, described)
			}
		})
	}
}

func TestDialTarget(t *testing.T) {
	cases := []struct{ in, network, addr string }{
		{"/var/agentx/master", "unix", "/var/agentx/master"},
		{"unix:/run/x", "unix", "/run/x"},
		{"tcp:127.0.0.1:705", "tcp", "127.0.0.1:705"},
		{"udp:161", "", ""},
	}
	for _, c := range cases {
		n, a, err := dialTarget(c.in)
		if n != c.network || a != c.addr || (err != nil) != (c.network == "") {
			t.Errorf("%s: %s %s %v", c.in, n, a, err)
		}
	}
}

// The columns from the configuration read keepalived.conf as keepalived
// does: its defaults (preempt, accept, garp delay, multicast group) and
// the settings that change them.
func TestSettingsColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keepalived.conf")
	conf := `vrrp_instance V3 {
    interface eth0
    virtual_router_id 1
    priority 100
    vrrp_version 3
    preempt_delay 30
    virtual_ipaddress {
        192.0.2.1/24 brd + label eth0:v scope link
    }
    virtual_ipaddress_excluded {
        192.0.2.2/32
    }
}
vrrp_instance V2 {
    interface eth0
    virtual_router_id 2
    priority 100
    nopreempt
    garp_master_delay 2
    authentication {
        auth_type PASS
        auth_pass secret
    }
    unicast_src_ip 192.0.2.10
    unicast_peer {
        192.0.2.11
    }
    notify_master /bin/true
    virtual_ipaddress {
        192.0.2.3
    }
}
virtual_server 192.0.2.100 80 {
    lb_kind DR
    protocol TCP
    persistence_timeout 300
    virtualhost www.example.org
    real_server 192.0.2.21 80 {
        lvs_method NAT
        inhibit_on_failure
        uthreshold 50
    }
}
`
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, diags := confparse.Load(path, confparse.Options{})
	if cfg == nil {
		t.Fatalf("load: %v", diags)
	}
	h := SettingsFrom(cfg, Flags{SNMP: true}).Host
	v3, v2 := h.Instances["V3"], h.Instances["V2"]
	if !v3.Preempt || v3.PreemptDelay != 30*time.Second || !v3.Accept || v3.GARPDelay != 5*time.Second || v3.Mcast != netip.MustParseAddr("224.0.0.18") ||
		v3.NotifyExec || len(v3.VIPs) != 1 || len(v3.ExcludedVIPs) != 1 ||
		v3.VIPs[0].Brd != "+" || v3.VIPs[0].Label != "eth0:v" || v3.VIPs[0].Scope != "link" {
		t.Errorf("V3: %+v", v3)
	}
	if v2.Preempt || v2.GARPDelay != 2*time.Second || v2.AuthType != 1 ||
		v2.Mcast.IsValid() || v2.Src != netip.MustParseAddr("192.0.2.10") || !v2.NotifyExec {
		t.Errorf("V2: %+v", v2)
	}
	vs, ok := h.VirtualServers["TCP 192.0.2.100:80"]
	rs := vs.Reals["192.0.2.21:80"]
	if !ok || vs.Kind != 2 || vs.Virtualhost != "www.example.org" || vs.Persistence != 300*time.Second || vs.Quorum != 1 || vs.DelayLoop != time.Minute ||
		vs.Inhibit || rs.Kind != 1 || !rs.Inhibit || rs.UThreshold != 50 {
		t.Errorf("virtual server: %+v (%v)", vs, ok)
	}
}
