package vrrp

import (
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/srcpos"
)

// The settings types below are what confparse builds from keepalived.conf and
// what the daemon hands to the protocol engine. They carry keepalived's
// defaults once confparse has filled them in; zero values are never relied on
// to mean "default" except where a field says so.

// InitialState is the state an instance asks for at start-up. keepalived
// treats it as a wish: only an address owner (priority 255) skips the
// election.
type InitialState uint8

const (
	WantBackup InitialState = iota
	WantMaster
)

// Family is the address family of an instance, fixed by its first VIP.
type Family uint8

const (
	IPv4 Family = 4
	IPv6 Family = 6
)

// AuthType is the VRRPv2 authentication type carried in the advert.
type AuthType uint8

const (
	AuthNone AuthType = 0
	AuthPass AuthType = 1
	AuthAH   AuthType = 2
)

// Globals are the VRRP defaults from global_defs; instance keywords without
// the vrrp_ prefix override them.
type Globals struct {
	Version                 int // 2 or 3
	McastGroup4             netip.Addr
	McastGroup6             netip.Addr
	DefaultInterface        string
	GARP                    GARP
	GARPInterval            time.Duration
	GNAInterval             time.Duration
	DownTimerAdverts        int
	LowerPrioNoAdvert       bool
	HigherPrioSendAdvert    bool
	OwnerIgnoreAdverts      bool
	CheckUnicastSrc         bool
	SkipCheckAdvAddr        bool
	Strict                  bool
	V3ChecksumAsV2          bool
	StartupDelay            time.Duration
	NotifyFIFO              FIFO
	NotifyPriorityChanges   bool
	EnableScriptSecurity    bool
	ScriptUser, ScriptGroup string
	DynamicInterfaces       bool
	VMACPrefix              string
}

// FIFO is a notify FIFO and the optional script that reads it.
type FIFO struct {
	Path   string
	Script script.Spec
}

// GARP holds the gratuitous ARP / unsolicited NA pacing of an instance.
type GARP struct {
	MasterDelay         time.Duration // second burst after becoming master (0 = none)
	MasterRepeat        int           // packets per burst
	MasterRefresh       time.Duration // periodic refresh while master (0 = off)
	MasterRefreshRepeat int
	LowerPrioDelay      time.Duration
	LowerPrioRepeat     int
}

// Instance is one vrrp_instance. The keywords most instances never give
// sit behind Opts, so that an instance is 248 bytes, not 576: operators
// run thousands of them (issue #12), and the configuration keeps one each.
// The byte-sized settings are kept together so that padding costs one word.
type Instance struct {
	Name string
	// Source is the block's file and line, for diagnostics: eight bytes,
	// printed on demand, not a string per instance (issue #12).
	Source    srcpos.Pos
	Interface string

	AdvertInt time.Duration

	Auth     Auth
	AuthHMAC *AuthHMAC // keepalived 2.4's auth_hmac (authhmac.go); nil: none

	VIPs            []Address
	TrackInterfaces []TrackInterface
	TrackScripts    []TrackRef

	// Notify is nil while no notify command is set: seven commands are
	// half a kilobyte, thousands of instances rarely carry one (issue #12).
	// Read it through Notifies, write it through NotifyRef.
	Notify *Notify
	GARP   GARP
	VMAC   *VMAC
	// Opts holds the rarely given keywords; nil when none is given. Read it
	// through Options, write it through OptsRef.
	Opts *InstanceOptions

	State    InitialState
	VRID     uint8
	Priority uint8 // configured base priority, 1..255
	Family   Family
	// UnicastTTL is unicast_ttl, 0..255.
	UnicastTTL uint8
	Version    uint8 // 2 or 3
	// DownTimerAdverts is down_timer_adverts, 1..100.
	DownTimerAdverts uint8

	Nopreempt          bool
	DontTrackPrimary   bool
	Accept             bool // accept mode (RFC 5798 Accept_Mode)
	CheckUnicastSrc    bool
	UnicastFaultNoPeer bool
	V3ChecksumAsV2     bool

	LowerPrioNoAdvert     bool
	HigherPrioSendAdvert  bool
	OwnerIgnoreAdverts    bool
	SkipCheckAdvAddr      bool
	Strict                bool
	NotifyPriorityChanges bool
	SMTPAlert             bool
	// AcceptSet records an explicit accept/no_accept; otherwise Accept
	// follows strict mode and ownership.
	AcceptSet bool
}

// InstanceOptions are the keywords of a vrrp_instance that most instances
// never give: transport overrides, the unicast peers, excluded addresses,
// routes and rules, and the less common trackers.
type InstanceOptions struct {
	PreemptDelay time.Duration

	UnicastSrc   netip.Addr
	McastSrc     netip.Addr
	McastDst     netip.Addr
	UnicastPeers []Peer

	ExcludedVIPs []Address
	Routes       []Route
	Rules        []Rule

	TrackFiles     []TrackRef
	TrackProcesses []TrackRef
	TrackBFDs      []TrackRef
	// TrackGroups names the track_group blocks listing this instance: it
	// goes FAULT while a static entry carrying one of them is lost.
	TrackGroups []string
}

// IsZero reports whether none of the keywords is given.
func (o *InstanceOptions) IsZero() bool {
	return o.PreemptDelay == 0 && !o.UnicastSrc.IsValid() && !o.McastSrc.IsValid() && !o.McastDst.IsValid() &&
		len(o.UnicastPeers) == 0 && len(o.ExcludedVIPs) == 0 && len(o.Routes) == 0 &&
		len(o.Rules) == 0 && len(o.TrackFiles) == 0 && len(o.TrackProcesses) == 0 && len(o.TrackBFDs) == 0 &&
		len(o.TrackGroups) == 0
}

// Options returns a copy of the instance's rarely given keywords: the zero
// InstanceOptions when it gives none.
func (in *Instance) Options() InstanceOptions {
	if in.Opts == nil {
		return InstanceOptions{}
	}
	return *in.Opts
}

// Peers is the instance's unicast_peer list, read on every received
// advert: no copy of the options.
func (in *Instance) Peers() []Peer {
	if in.Opts == nil {
		return nil
	}
	return in.Opts.UnicastPeers
}

// OptsRef returns the instance's rarely given keywords to set one in, made
// on first use. Copies of the Instance share them: copy Opts before
// editing a copy.
func (in *Instance) OptsRef() *InstanceOptions {
	if in.Opts == nil {
		in.Opts = new(InstanceOptions)
	}
	return in.Opts
}

// TrimOpts drops Opts when none of its keywords is set, so that two
// instances giving the same keywords compare equal whichever were tried.
func (in *Instance) TrimOpts() {
	if in.Opts != nil && in.Opts.IsZero() {
		in.Opts = nil
	}
}

// Peer is one unicast_peer entry.
type Peer struct {
	Addr   netip.Addr
	MinTTL int // 0 = unchecked
	MaxTTL int // 0 = unchecked
}

// Auth is the VRRPv2 authentication block.
type Auth struct {
	Type AuthType
	Pass string // already truncated to 8 bytes, as keepalived does
}

// Address is one virtual_ipaddress / static_ipaddress entry. The keywords
// an entry rarely gives sit behind Opts, so that an address is 48 bytes,
// not 192: thousands of instances carry one each (issue #12).
type Address struct {
	Prefix  netip.Prefix
	NoTrack bool
	UseVMAC bool
	// Opts holds the entry's other keywords; nil when it gives none. Read
	// it through Options, write it through OptsRef.
	Opts *AddressOptions
}

// AddressOptions are the keywords of an address entry besides the prefix,
// no_track and use_vmac.
type AddressOptions struct {
	Dev        string
	Label      string
	Brd        string // "", "+", "-" or an address
	Scope      string
	Peer       netip.Addr
	Preferred  string   // preferred_lft as written ("forever", seconds) or ""
	Flags      []string // home, -nodad, mngtmpaddr, noprefixroute, autojoin
	TrackGroup string
}

// IsZero reports whether none of the keywords is given.
func (o *AddressOptions) IsZero() bool {
	return o.Dev == "" && o.Label == "" && o.Brd == "" && o.Scope == "" && !o.Peer.IsValid() &&
		o.Preferred == "" && len(o.Flags) == 0 && o.TrackGroup == ""
}

// Options returns a copy of the address's other keywords: the zero
// AddressOptions when it gives none.
func (a *Address) Options() AddressOptions {
	if a.Opts == nil {
		return AddressOptions{}
	}
	return *a.Opts
}

// OptsRef returns the address's other keywords to set one in, made on
// first use. Copies of the Address share them: copy Opts before editing a
// copy.
func (a *Address) OptsRef() *AddressOptions {
	if a.Opts == nil {
		a.Opts = new(AddressOptions)
	}
	return a.Opts
}

// Route is one virtual_routes / static_routes entry, kept as ip-route words
// plus the fields govrrpd needs to reason about it.
type Route struct {
	Type       string // "" (unicast), blackhole, unreachable, prohibit, throw
	Dst        netip.Prefix
	Src        netip.Addr
	Via        netip.Addr
	Dev        string
	Table      int
	Metric     int
	Scope      string
	Proto      string
	OnLink     bool
	NoTrack    bool
	Words      []string // the entry as written, for the printer
	TrackGroup string
}

// Rule is one virtual_rules / static_rules entry.
type Rule struct {
	From       netip.Prefix
	To         netip.Prefix
	Table      int
	Preference int
	IIF, OIF   string
	FWMark     string
	NoTrack    bool
	Words      []string
	TrackGroup string
}

// TrackInterface is a track_interface entry.
type TrackInterface struct {
	Name    string
	Weight  int
	Reverse bool
}

// TrackRef references a named tracker (vrrp_script, track_file,
// vrrp_track_process) with an optional weight override.
type TrackRef struct {
	Name      string
	Weight    int
	WeightSet bool
	Reverse   bool
}

// Notify holds the notify commands of an instance or sync group.
type Notify struct {
	Master, Backup, Fault, Stop, Generic script.Spec
	Deleted                              script.Spec
	DeletedSet                           bool
	MasterRxLowerPri                     script.Spec
}

// IsZero reports whether no notify command and no notify_deleted is set.
func (n *Notify) IsZero() bool {
	for _, s := range [...]*script.Spec{&n.Master, &n.Backup, &n.Fault, &n.Stop, &n.Generic, &n.Deleted, &n.MasterRxLowerPri} {
		if !s.IsZero() {
			return false
		}
	}
	return !n.DeletedSet
}

// Notifies returns a copy of the instance's notify commands: the zero
// Notify when none is set.
func (in *Instance) Notifies() Notify {
	if in.Notify == nil {
		return Notify{}
	}
	return *in.Notify
}

// NotifyRef returns the instance's notify commands to set one in, made on
// first use. Copies of the Instance share them.
func (in *Instance) NotifyRef() *Notify {
	if in.Notify == nil {
		in.Notify = new(Notify)
	}
	return in.Notify
}

// VMAC describes use_vmac.
type VMAC struct {
	Name     string // interface name; default vrrp.VRID
	MAC      string // explicit MAC, default 00:00:5e:00:0{1,2}:VRID
	XmitBase bool
}

// SyncGroup is a vrrp_sync_group.
type SyncGroup struct {
	Name            string
	Source          srcpos.Pos
	Members         []string
	TrackInterfaces []TrackInterface
	TrackScripts    []TrackRef
	TrackFiles      []TrackRef
	TrackProcesses  []TrackRef
	TrackBFDs       []TrackRef
	Notify          Notify
	TrackingWeight  bool
	SMTPAlert       bool
	// NotifyPriorityChanges sends priority changes to the FIFO.
	NotifyPriorityChanges bool
}

// ScriptTracker is a vrrp_script definition.
type ScriptTracker struct {
	Name     string
	Source   string
	Script   script.Spec
	Interval time.Duration
	Timeout  time.Duration
	Weight   int
	Reverse  bool
	Rise     int
	Fall     int
	InitFail bool
}

// ProcessTracker is a vrrp_track_process definition.
type ProcessTracker struct {
	Name           string
	Source         string
	Process        string
	Params         []string
	ParamMatch     string // "", "initial", "partial"
	FullCommand    bool
	Weight         int
	Reverse        bool
	Quorum         int
	QuorumMax      int // 0 with QuorumMaxSet = must not run
	QuorumMaxSet   bool
	ForkDelay      time.Duration
	TerminateDelay time.Duration
}

// FileTracker is a track_file definition.
type FileTracker struct {
	Name      string
	Source    string
	Path      string
	Weight    int
	Reverse   bool
	InitFile  bool
	InitValue int
	Overwrite bool
}
