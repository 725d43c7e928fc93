package ipvs

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=Protocol,Method -output=settings_string.go

import (
	"fmt"
	"net/netip"
	"reflect"
	"time"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/srcpos"
)

// Settings types built by confparse from virtual_server blocks. They say
// what the operator asked for; the reconciler turns them into kernel
// services and destinations.

// Protocol is the IPVS service protocol.
type Protocol uint8

const (
	TCP  Protocol = 6
	UDP  Protocol = 17
	SCTP Protocol = 132
)

// Method is the forwarding method (lb_kind / lvs_method).
type Method uint8

const (
	NAT Method = iota
	DR
	TUN
)

// Forwarding is a forwarding method with its tunnel options.
type Forwarding struct {
	Method  Method
	TunType string // "", ipip, gue, gre
	TunPort uint16 // gue only
	TunCsum string // "", nocsum, csum, remcsum
}

// Globals are the IPVS settings from global_defs.
type Globals struct {
	Timeouts       Timeouts
	Flush          bool
	FlushOnStop    bool
	RSInitNotifies bool
	// SyncDaemon is lvs_sync_daemon; nil when not configured.
	SyncDaemon *SyncDaemon
}

// SyncDaemon is the IPVS connection-synchronisation daemon, run as master
// or backup following the state of one VRRP instance.
type SyncDaemon struct {
	Interface string
	Instance  string // VRRP instance that drives it ("" = none)
	ID        int    // sync id 0..255; -1 = the instance's VRID
	MaxLen    int    // 0 = kernel default
	Port      int    // default 8848
	TTL       int    // default 1
	Group     string // multicast group, "" = 224.0.0.81
}

// Timeouts is lvs_timeouts (zero = leave the kernel value).
type Timeouts struct {
	TCP, TCPFin, UDP time.Duration
}

// VirtualServer is one virtual_server block.
type VirtualServer struct {
	Source srcpos.Pos // prints as file:line

	// Exactly one of Addr, FWMark, Group identifies the service.
	Addr   netip.AddrPort
	FWMark uint32
	Group  string
	Family uint8 // 4 or 6; for fwmark services from ip_family (default 4)

	Protocol    Protocol
	Scheduler   string
	Forwarding  Forwarding
	Persistence time.Duration // 0 = not persistent
	OPS         bool

	DelayLoop        time.Duration
	ConnectTimeout   time.Duration
	Retry            int           // -1 = checker default
	DelayBeforeRetry time.Duration // 0 = checker default
	Warmup           time.Duration
	WarmupSet        bool

	InhibitOnFailure bool
	Weight           int // default real server weight
	Alpha, Omega     bool
	Quorum           int

	// Opts holds the keywords few virtual servers give; nil when none is.
	// Read them with Options, set them with EditOptions.
	Opts *VirtualOptions

	Reals []RealServer
}

// VirtualOptions are a virtual server's rarely given keywords. Out of
// line they take a virtual server from 400 bytes to 256: 1.4 MB on a
// site of 10,000, and as much again while the parser assembles the list.
type VirtualOptions struct {
	SchedFlags             []string // hashed, flag-1..3, sh-port, sh-fallback, mh-port, mh-fallback
	PersistenceGranularity netip.Addr
	// PersistencePrefix is persistence_granularity for an IPv6 service,
	// which keepalived reads as a prefix length (0 = 128).
	PersistencePrefix int
	PersistenceEngine string

	Hysteresis int
	// QuorumUp and QuorumDown are nil when not configured.
	QuorumUp     *script.Spec
	QuorumDown   *script.Spec
	Sorry        *RealServer
	SorryInhibit bool
	HASuspend    bool
	Virtualhost  string
	SMTPAlert    bool
	// SMTPAlertSet records an explicit smtp_alert, which overrides the
	// global setting in either direction.
	SMTPAlertSet bool
	SNMPName     string
}

// Options returns v's rarely given keywords, all zero when none is given.
func (v VirtualServer) Options() VirtualOptions {
	if v.Opts == nil {
		return VirtualOptions{}
	}
	return *v.Opts
}

// EditOptions returns v's options to set, creating them on first use.
// Copies of a VirtualServer share them: copy Opts before editing a copy.
func (v *VirtualServer) EditOptions() *VirtualOptions {
	if v.Opts == nil {
		v.Opts = new(VirtualOptions)
	}
	return v.Opts
}

// DropEmptyOptions sets the Opts of v and of its real servers to nil
// where every option is zero (a keyword whose value was refused, a
// setting reset later), so that two virtual servers that mean the same
// are also reflect.DeepEqual, which reloads and round trips compare by.
func (v *VirtualServer) DropEmptyOptions() {
	if v.Opts != nil && reflect.ValueOf(*v.Opts).IsZero() {
		v.Opts = nil
	}
	for i := range v.Reals {
		if r := &v.Reals[i]; r.Opts != nil && *r.Opts == (RealOptions{}) {
			r.Opts = nil
		}
	}
}

// Key names the service the way logs, health events and checkers refer to
// it: "192.0.2.1:80/TCP", "fwmark 1/4", "group NAME/TCP".
func (v VirtualServer) Key() string {
	switch {
	case v.FWMark != 0:
		return fmt.Sprintf("fwmark %d/%d", v.FWMark, v.Family)
	case v.Group != "":
		return fmt.Sprintf("group %s/%s", v.Group, v.Protocol)
	}
	return fmt.Sprintf("%s/%s", v.Addr, v.Protocol)
}

// RealServer is one real_server (or sorry_server) entry. What every real
// server has, or what the kernel table and the health path read, is
// inline; the keywords few real servers set are behind Opts, so that a
// large LVS site (100,000 real servers on 660k lines) carries 80 bytes
// for each instead of 176.
type RealServer struct {
	Source     srcpos.Pos
	Addr       netip.AddrPort
	Weight     int
	Forwarding *Forwarding // nil = the virtual server's
	UThreshold uint32
	LThreshold uint32
	Inhibit    *bool // nil = the virtual server's
	Opts       *RealOptions
}

// RealOptions are a real server's rarely given keywords; a nil Opts means
// none is given. Read them with Options, set them with EditOptions.
type RealOptions struct {
	// NotifyUp and NotifyDown are nil when not configured.
	NotifyUp    *script.Spec
	NotifyDown  *script.Spec
	Alpha       *bool
	Virtualhost string
	SMTPAlert   *bool
	SNMPName    string

	// Checker defaults given on the real server; they override the virtual
	// server's and are overridden by the checker's own. Zero durations and
	// nil pointers mean "inherit".
	DelayLoop        time.Duration
	ConnectTimeout   time.Duration
	Retry            *int
	DelayBeforeRetry *time.Duration
	Warmup           *time.Duration
}

// Options returns r's rarely given keywords, all zero when none is given.
func (r RealServer) Options() RealOptions {
	if r.Opts == nil {
		return RealOptions{}
	}
	return *r.Opts
}

// EditOptions returns r's options to set, creating them on first use.
// Copies of a RealServer share them: copy Opts before editing a copy.
func (r *RealServer) EditOptions() *RealOptions {
	if r.Opts == nil {
		r.Opts = new(RealOptions)
	}
	return r.Opts
}

// Group is a virtual_server_group.
type Group struct {
	Name    string
	Source  string
	Entries []GroupEntry
}

// GroupEntry is one address range (First..Last inclusive) with a port, or a
// firewall mark.
type GroupEntry struct {
	First, Last netip.Addr
	Port        uint16
	FWMark      uint32
	Family      uint8
}
