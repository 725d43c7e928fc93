package confparse

import (
	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Config is a whole keepalived.conf after the semantic pass.
type Config struct {
	Global GlobalDefs
	VRRP   vrrp.Globals
	IPVS   ipvs.Globals

	Instances  []vrrp.Instance
	SyncGroups []vrrp.SyncGroup
	Scripts    []vrrp.ScriptTracker
	Processes  []vrrp.ProcessTracker
	Files      []vrrp.FileTracker
	BFDs       []BFDInstance

	StaticAddresses []vrrp.Address
	StaticRoutes    []vrrp.Route
	StaticRules     []vrrp.Rule
	TrackGroups     []TrackGroup

	VirtualServers []ipvs.VirtualServer
	ServerGroups   []ipvs.Group
	// Checkers are pointers so that growing the list while a large file
	// is read moves 8 bytes per checker, not the whole checker, and never
	// holds two copies of every checker at once.
	Checkers []*check.Checker
	SSL      *check.TLSSettings
}

// GlobalDefs are the global_defs settings that belong to no one subsystem.
type GlobalDefs struct {
	RouterID              string
	NotificationEmail     []string
	NotificationEmailFrom string
	SMTPServer            string
	SMTPPort              int
	SMTPConnectTimeout    int
	SMTPHeloName          string
	SMTPAlert             *bool
	SMTPAlertVRRP         *bool
	SMTPAlertChecker      *bool
	NotifyFIFO            string
	LVSNotifyFIFO         string
	ScriptUser            string
	ScriptGroup           string
	EnableScriptSecurity  bool
	// Instance is the root `instance NAME` keyword (pid and dump file names).
	Instance        string
	DataUseInstance bool
	NetNamespace    string
	// SNMP is what the AgentX sub-agent serves (internal/snmpagent).
	SNMP SNMPDefs

	// Process is keepalived's scheduling of its VRRP process
	// (vrrp_priority, vrrp_cpu_affinity), which govrrpd applies to its
	// one process: checkers run in it too.
	Process ProcessDefs
}

// SNMPDefs are keepalived's enable_snmp_*, enable_traps and snmp_socket;
// the -x flag turns on the four trees, as keepalived's does.
// ProcessDefs are the scheduling settings a configuration gives the daemon.
type ProcessDefs struct {
	Nice int   // vrrp_priority, -20..19; 0 leaves the priority alone, as keepalived
	CPUs []int // vrrp_cpu_affinity; empty leaves the affinity alone
}

type SNMPDefs struct {
	Socket  string // snmp_socket; empty: the -A flag's, or /var/agentx/master
	VRRP    bool   // enable_snmp_vrrp (enable_snmp_keepalived)
	Checker bool   // enable_snmp_checker
	RFCv2   bool   // enable_snmp_rfcv2 (enable_snmp_rfc)
	RFCv3   bool   // enable_snmp_rfcv3 (enable_snmp_rfc)
	Traps   bool   // enable_traps
}

// Enabled tells whether any tree is served.
func (s SNMPDefs) Enabled() bool { return s.VRRP || s.Checker || s.RFCv2 || s.RFCv3 }

// TrackGroup is a track_group block: instances that go FAULT when a static
// address, route or rule naming the group is lost.
type TrackGroup struct {
	Name    string
	Members []string
}
