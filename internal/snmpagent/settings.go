package snmpagent

import (
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/lvs"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
	"github.com/govrrpd/govrrpd/vrrp"
)

// DefaultSocket is net-snmp's (and so keepalived's) AgentX master socket.
const DefaultSocket = "/var/agentx/master"

// Flags are keepalived's command-line SNMP flags.
type Flags struct {
	SNMP   bool   // -x: serve the four trees whatever the file says
	Socket string // -A: the master agent's socket, over snmp_socket
	// VRRPOnly (-P) and CheckOnly (-C) leave out the trees of the part
	// that does not run, as keepalived's absent child does.
	VRRPOnly, CheckOnly bool
}

// Settings are what one configuration asks of the agent.
type Settings struct {
	Socket string
	MIBs   snmpmib.MIBs
	Traps  bool
	Host   snmpmib.Host
}

// SettingsFrom reads cfg and the flags as keepalived does: -x turns on
// every tree, -A wins over snmp_socket, router_id defaults to the host
// name.
func SettingsFrom(cfg *confparse.Config, f Flags) Settings {
	g := cfg.Global.SNMP
	s := Settings{Socket: g.Socket, Traps: g.Traps}
	if f.Socket != "" {
		s.Socket = f.Socket
	}
	if s.Socket == "" {
		s.Socket = DefaultSocket
	}
	on := map[snmpmib.MIBs]bool{snmpmib.KeepalivedVRRP: g.VRRP, snmpmib.KeepalivedChecker: g.Checker,
		snmpmib.RFCv2: g.RFCv2, snmpmib.RFCv3: g.RFCv3}
	for m, ok := range on {
		if ok || f.SNMP {
			s.MIBs |= m
		}
	}
	if f.VRRPOnly {
		s.MIBs &^= snmpmib.KeepalivedChecker
	}
	if f.CheckOnly {
		s.MIBs &= snmpmib.KeepalivedChecker
	}
	if s.MIBs == 0 {
		// No MIB served: the agent opens no session and sends no trap,
		// and a description of every instance is 900 bytes each kept
		// for nothing (3.6 MB at 4,080 instances).
		return s
	}
	s.Host.RouterID = cfg.Global.RouterID
	if s.Host.RouterID == "" {
		s.Host.RouterID, _ = os.Hostname()
	}
	s.Host.InitialState = map[string]string{}
	for _, in := range cfg.Instances {
		st := "BACKUP"
		if in.State == vrrp.WantMaster {
			st = "MASTER"
		}
		s.Host.InitialState[in.Name] = st
	}
	s.Host.Instances, s.Host.Groups = map[string]snmpmib.InstanceConf{}, map[string]snmpmib.SyncGroupConf{}
	defs := weightDefsOf(cfg)
	for _, sc := range cfg.Scripts {
		s.Host.Scripts = append(s.Host.Scripts, snmpmib.ScriptConf{Name: sc.Name, Interval: sc.Interval, Weight: sc.Weight,
			Reverse: sc.Reverse, Rise: sc.Rise, Fall: sc.Fall})
	}
	for _, in := range cfg.Instances {
		c := instanceConf(in, cfg.IPVS.SyncDaemon)
		c.Tracks = defs.tracks(in.TrackInterfaces, in.TrackScripts, in.Options().TrackFiles, in.Options().TrackBFDs, in.Options().TrackProcesses)
		s.Host.Instances[in.Name] = c
	}
	for _, g := range cfg.SyncGroups {
		s.Host.Groups[g.Name] = snmpmib.SyncGroupConf{TrackingWeight: g.TrackingWeight, SMTPAlert: g.SMTPAlert,
			NotifyExec: notifies(g.Notify),
			Tracks:     defs.tracks(g.TrackInterfaces, g.TrackScripts, g.TrackFiles, g.TrackBFDs, g.TrackProcesses)}
	}
	s.Host.VirtualServers = map[string]snmpmib.VSConf{}
	for _, v := range cfg.VirtualServers {
		s.Host.VirtualServers[lvs.Key(v)] = vsConf(v)
	}
	gl := cfg.Global
	s.Host.Global = snmpmib.GlobalConf{Traps: g.Traps, SMTPAlert: gl.SMTPAlert, SMTPAlertVRRP: gl.SMTPAlertVRRP,
		SMTPAlertChkr: gl.SMTPAlertChecker, NetNamespace: gl.NetNamespace, DynamicInterfaces: cfg.VRRP.DynamicInterfaces,
		LVSFlush: cfg.IPVS.Flush, LVSFlushOnStop: cfg.IPVS.FlushOnStop}
	s.Host.IfIndex, s.Host.IfMAC, s.Host.IfAddr = ifIndex, ifMAC, ifAddr
	return s
}

func ifIndex(name string) int {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return 0
	}
	return ifi.Index
}

// dialTarget reads an AgentX socket as net-snmp does: a path or
// unix:PATH, or tcp:HOST:PORT.
func dialTarget(s string) (network, addr string, err error) {
	switch {
	case strings.HasPrefix(s, "unix:"):
		return "unix", strings.TrimPrefix(s, "unix:"), nil
	case strings.HasPrefix(s, "/"):
		return "unix", s, nil
	case strings.HasPrefix(s, "tcp:"):
		return "tcp", strings.TrimPrefix(s, "tcp:"), nil
	}
	return "", "", fmt.Errorf("agentx socket %q: want a path, unix:PATH or tcp:HOST:PORT", s)
}
