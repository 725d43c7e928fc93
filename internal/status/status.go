package status

import "time"

// Daemon is one snapshot of the whole daemon, taken on its event loop so
// that every part of it describes the same instant.
type Daemon struct {
	Version    string    `json:"version"`
	PID        int       `json:"pid"`
	Started    time.Time `json:"started"`
	Now        time.Time `json:"now"`
	ConfigFile string    `json:"config_file"`
	// ConfigHash is the SHA-256 of the running configuration after
	// includes were expanded, hex; it changes when a reload applies.
	ConfigHash     string          `json:"config_hash"`
	Instances      []Instance      `json:"instances"`
	SyncGroups     []SyncGroup     `json:"sync_groups"`
	Peers          []Peer          `json:"peers"`
	VirtualServers []VirtualServer `json:"virtual_servers"`
	// Reconcile counts the IPVS operations the reconciler issued since
	// start, by kind (add-service, update-dest, ...), and those the kernel
	// refused.
	Reconcile ReconcileStats `json:"reconcile"`
	// ReloadStats count every reload since start; Reloads keeps only the
	// latest entries.
	ReloadStats ReloadStats `json:"reload_stats"`
	Reloads     []Reload    `json:"reloads"`
	// Interfaces counts, per advert socket, the packets dropped before
	// any instance could be named (undecodable, or for a VRID nobody on
	// the interface serves).
	Interfaces []Interface `json:"interfaces"`
	// BGP is present with --bgp-config (bgp.go).
	BGP *BGP `json:"bgp,omitempty"`
	// BFD is every bfd_instance's session (bfd.go); absent without any.
	BFD []BFDSession `json:"bfd_sessions,omitempty"`
}

// Interface is one interface and family the daemon receives adverts on.
type Interface struct {
	Name   string `json:"name"`
	Family string `json:"family"` // "inet" or "inet6"
	// Drops counts by reason, with the reasons of InstanceStats.Drops.
	Drops map[string]uint64 `json:"drops"`
}

// ReloadStats are the reload counters since start.
type ReloadStats struct {
	Total   uint64 `json:"total"`
	Refused uint64 `json:"refused"`
	// NoChange counts reloads that found every file and host answer the
	// running configuration was read from unchanged, and read nothing.
	NoChange uint64 `json:"no_change"`
	// LastSuccess is when a reload last applied (or found nothing to
	// change); zero before the first.
	LastSuccess time.Time `json:"last_success"`
}

// ReconcileStats are the IPVS reconciler's counters since start.
type ReconcileStats struct {
	Ops    map[string]uint64 `json:"ops"`
	Errors uint64            `json:"errors"`
}

// Instance is one vrrp_instance.
type Instance struct {
	Name      string `json:"name"`
	VRID      uint8  `json:"vrid"`
	Family    string `json:"family"` // "inet" or "inet6"
	Version   int    `json:"version"`
	Interface string `json:"interface"`
	SyncGroup string `json:"sync_group,omitempty"`
	// State is INIT, BACKUP, MASTER, FAULT or STOP (keepalived's names).
	State string `json:"state"`
	// Priority is the configured priority; EffectivePriority adds every
	// tracker's contribution (Trackers) and is what is advertised.
	Priority          int       `json:"priority"`
	EffectivePriority int       `json:"effective_priority"`
	Trackers          []Tracker `json:"trackers"`
	AdvertInt         Duration  `json:"advert_int"`
	MasterAddr        string    `json:"master_addr,omitempty"`
	MasterPriority    int       `json:"master_priority"`
	MasterAdvertInt   Duration  `json:"master_advert_int"`
	VIPs              []string  `json:"vips"`
	LastTransition    time.Time `json:"last_transition"`
	// LastReason says why the last transition happened: the reason the
	// transitions are counted by ("startup", "master down timer",
	// "priority 0 advert", "advert", "handover", ...), or the daemon's
	// own words where they say more ("interface eth0 down", "cannot add
	// VIP", "maintenance").
	LastReason string `json:"last_reason,omitempty"`
	// Maintenance is set by `govrrpd ctl maintenance NAME on`: the
	// instance stays BACKUP until it is lifted.
	Maintenance bool          `json:"maintenance"`
	Stats       InstanceStats `json:"stats"`
}

// Tracker is one tracked object's effect on an instance's priority.
type Tracker struct {
	Kind   string `json:"kind"` // interface, script, file, process, bfd
	Name   string `json:"name"`
	Weight int    `json:"weight"`
	// Contribution is what the tracker adds to the priority now (negative
	// when it lowers it); Fault is set when it puts the instance in FAULT.
	Contribution int  `json:"contribution"`
	Fault        bool `json:"fault"`
}

// InstanceStats are counters since start (SIGRTMAX-1 clears them, as
// keepalived's stats-clear signal does).
type InstanceStats struct {
	AdvertsSent     uint64 `json:"adverts_sent"`
	AdvertsReceived uint64 `json:"adverts_received"`
	BecameMaster    uint64 `json:"became_master"`
	ReleasedMaster  uint64 `json:"released_master"`
	PriZeroSent     uint64 `json:"pri_zero_sent"`
	PriZeroReceived uint64 `json:"pri_zero_received"`
	GARPSent        uint64 `json:"garp_sent"`
	NASent          uint64 `json:"na_sent"`
	// Drops counts received packets dropped for this instance, by the
	// daemon's fine reason (ttl, checksum, auth-failure, advert-interval,
	// address-list, truncated, ...); DropClass groups them as /metrics
	// does.
	Drops       map[string]uint64 `json:"drops"`
	Transitions []TransitionCount `json:"transitions"`
}

// TransitionCount counts the transitions from one state to another for
// one reason.
type TransitionCount struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
	Count  uint64 `json:"count"`
}

// Peer is a router this one hears adverts from.
type Peer struct {
	Instance   string    `json:"instance"`
	Addr       string    `json:"addr"`
	Priority   int       `json:"priority"`
	AdvertInt  Duration  `json:"advert_int"`
	LastAdvert time.Time `json:"last_advert"`
}

// SyncGroup is one vrrp_sync_group.
type SyncGroup struct {
	Name    string   `json:"name"`
	State   string   `json:"state"`
	Members []string `json:"members"`
}

// VirtualServer is one virtual_server and its real servers.
type VirtualServer struct {
	// Key names it the way the API and `ctl drain` take it:
	// "TCP 192.0.2.10:80", "UDP [2001:db8::1]:53", "FWM 7".
	Key       string       `json:"key"`
	Protocol  string       `json:"protocol"`
	Addr      string       `json:"addr,omitempty"`
	Port      uint16       `json:"port,omitempty"`
	Fwmark    uint32       `json:"fwmark,omitempty"`
	Scheduler string       `json:"scheduler"`
	Quorum    bool         `json:"quorum"`
	Reals     []RealServer `json:"real_servers"`
	Stats     IPVSStats    `json:"stats"`
}

// RealServer is one real_server of a virtual server.
type RealServer struct {
	Key              string    `json:"key"` // "192.0.2.21:80"
	Addr             string    `json:"addr"`
	Port             uint16    `json:"port"`
	WeightConfigured int       `json:"weight_configured"`
	WeightCurrent    int       `json:"weight_current"`
	Healthy          bool      `json:"healthy"`
	Drained          bool      `json:"drained"`
	Checkers         []Checker `json:"checkers"`
	Stats            IPVSStats `json:"stats"`
}

// Checker is one health checker of a real server.
type Checker struct {
	Kind        string    `json:"kind"` // TCP_CHECK, HTTP_GET, ...
	At          string    `json:"at"`   // file:line of its block
	Up          bool      `json:"up"`
	LastResult  string    `json:"last_result,omitempty"`
	LastLatency Duration  `json:"last_latency"`
	LastCheck   time.Time `json:"last_check"`
	// Results counts this checker's attempts since start by outcome
	// ("up", or the failure's reason class: "timeout", "refused", ...).
	Results map[string]uint64 `json:"results,omitempty"`
}

// IPVSStats are the kernel's counters for a service or destination.
type IPVSStats struct {
	Conns    uint64 `json:"conns"`
	InPkts   uint64 `json:"in_pkts"`
	OutPkts  uint64 `json:"out_pkts"`
	InBytes  uint64 `json:"in_bytes"`
	OutBytes uint64 `json:"out_bytes"`
	CPS      uint64 `json:"cps"`
	InPPS    uint64 `json:"in_pps"`
	OutPPS   uint64 `json:"out_pps"`
	InBPS    uint64 `json:"in_bps"`
	OutBPS   uint64 `json:"out_bps"`
}

// Reload is one entry of the reload history.
type Reload struct {
	At         time.Time `json:"at"`
	ConfigHash string    `json:"config_hash"`
	// Result is "applied", "unchanged" (read again, the same
	// configuration), "no change" (nothing it is read from changed, so
	// not read again) or "refused".
	Result  string   `json:"result"`
	Error   string   `json:"error,omitempty"` // file:line messages when refused
	Changes []Change `json:"changes"`
}

// Plan is what a reload to a given file would change, computed without
// changing anything (`govrrpd plan`).
type Plan struct {
	ConfigHash string   `json:"config_hash"`
	Changes    []Change `json:"changes"`
	// Errors are the file:line messages of a file a reload would refuse
	// (as -t prints them); Changes is empty then.
	Errors []string `json:"errors,omitempty"`
}

// Change is one object a reload adds, removes or changes.
type Change struct {
	// Kind is instance, vip, route, rule, virtual_server, real_server or
	// checker; Op is add, remove or change.
	Kind string `json:"kind"`
	Op   string `json:"op"`
	// Object names it (instance name, address, "TCP 192.0.2.10:80", ...);
	// Parent is the instance or virtual server it belongs to.
	Object string `json:"object"`
	Parent string `json:"parent,omitempty"`
	Detail string `json:"detail,omitempty"`
	// KeepsState is set for a changed instance that keeps its VRRP state
	// across the reload (matched by VRID, family and interface).
	KeepsState bool `json:"keeps_state,omitempty"`
	// Ops are the exact IPVS operations the reconciler would issue
	// ("add-service TCP 192.0.2.10:80 rr", "edit-dest ... weight 0").
	Ops []string `json:"ops,omitempty"`
}

// Duration marshals as milliseconds (a float), which every JSON reader
// takes without a Go-specific parser.
type Duration time.Duration
