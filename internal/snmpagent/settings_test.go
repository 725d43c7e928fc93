package snmpagent

import (
	"os"
	"testing"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
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
			cfg := &confparse.Config{}
			cfg.Global.SNMP = c.snmp
			s := SettingsFrom(cfg, c.flags)
			if s.Socket != c.socket || s.MIBs != c.mibs || s.Host.RouterID != host {
				t.Errorf("got socket %q mibs %b router %q; want %q %b %q", s.Socket, s.MIBs, s.Host.RouterID, c.socket, c.mibs, host)
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
