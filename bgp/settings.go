package bgp

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/srcpos"
)

// Config is one --bgp-config file.
type Config struct {
	// LocalAS and RouterID identify this director; every peer sees them.
	LocalAS  uint32
	RouterID netip.Addr
	// ListenPort is where GoBGP accepts sessions; 0 means it does not
	// listen and only connects out (listeners are off unless configured).
	ListenPort    uint16
	ListenAddress netip.Addr
	// ShutdownGrace bounds how long a stopping director waits for its
	// peers to acknowledge the withdrawal before the IPVS table goes.
	ShutdownGrace time.Duration
	Neighbors     []Neighbor
	Announces     []Announce
	Pos           srcpos.Pos // the bgp block
}

// Neighbor is one BGP peer (a router).
type Neighbor struct {
	Address netip.Addr
	AS      uint32
	// Port is the peer's TCP port (179 unless set, for loopback tests).
	Port uint16
	// HoldTime and Keepalive are what this side proposes; the session uses
	// the smaller hold time of the two sides (RFC 4271 4.2).
	HoldTime  time.Duration
	Keepalive time.Duration
	// Password is the TCP MD5 signature key (RFC 2385); it never appears
	// in logs, dumps or the API.
	Password     string
	LocalAddress netip.Addr
	// Passive waits for the peer to connect.
	Passive bool
	// Multihop is the eBGP TTL; 0 for directly connected peers.
	Multihop uint8
	Pos      srcpos.Pos
}

// Announce is one prefix and the condition under which it is announced.
type Announce struct {
	Prefix netip.Prefix
	// Communities are RFC 1997 communities as AS<<16 | value.
	Communities []uint32
	MED         uint32
	HasMED      bool
	// Prepend repeats the local AS this many more times in the AS path,
	// making this director less preferred than one that prepends less.
	Prepend uint8
	// Conditions must all hold for the prefix to be announced.
	Conditions []Condition
	Pos        srcpos.Pos
}

// ConditionKind says what a condition watches.
type ConditionKind uint8

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=ConditionKind -output=condition_string.go

const (
	// VirtualServerQuorum holds while a virtual_server has quorum.
	VirtualServerQuorum ConditionKind = iota + 1 // virtual_server
	// InstanceMaster holds while a vrrp_instance is MASTER.
	InstanceMaster // vrrp_instance
)

// Condition names a keepalived.conf object whose verdict gates an
// announcement. A virtual server is named as keepalived.conf names it: an
// address and port with its protocol, a fwmark, or a group.
type Condition struct {
	Kind ConditionKind
	// Virtual server: exactly one of Addr, FWMark and Group is set.
	Protocol string // TCP, UDP or SCTP (not for FWMark)
	Addr     netip.AddrPort
	FWMark   uint32
	Group    string
	// Instance is the vrrp_instance's name.
	Instance string
	Pos      srcpos.Pos
}

// Key names the condition's object the way the status API keys it:
// "TCP 192.0.2.200:80", "FWM 7", "TCP group G", or the instance name.
func (c Condition) Key() string {
	switch {
	case c.Kind == InstanceMaster:
		return c.Instance
	case c.FWMark != 0:
		return fmt.Sprintf("FWM %d", c.FWMark)
	case c.Group != "":
		return fmt.Sprintf("%s group %s", c.Protocol, c.Group)
	}
	return fmt.Sprintf("%s %s", c.Protocol, c.Addr)
}

// String is how logs and the status API show a condition.
func (c Condition) String() string {
	if c.Kind == InstanceMaster {
		return "vrrp_instance " + c.Instance + " is MASTER"
	}
	return "virtual_server " + c.Key() + " has quorum"
}

// Default timers: keepalived users come with BGP timers of 3/9 s on
// directors (the lab's figures); the RFC's 30/90 s would keep a dead
// director's routes for a minute and a half.
const (
	DefaultHoldTime      = 9 * time.Second
	DefaultKeepalive     = 3 * time.Second
	DefaultShutdownGrace = 2 * time.Second
	DefaultPort          = 179
)
