package status

import (
	"net/netip"
	"time"
)

// Live is the part of the daemon's state that changes from second to
// second, which the web console's event stream follows. A Snapshot of
// 4,080 instances allocates megabytes; at one a second that garbage meets
// the daemon's tight memory limit and the collector runs several times a
// second. Live is read into the caller's buffer and allocates nothing in
// a steady state.
type Live struct {
	ConfigHash  string
	ReloadStats ReloadStats
	Instances   []LiveInstance
	// VirtualServers are the LVS subsystem's, as in Snapshot (nil
	// without one).
	VirtualServers []VirtualServer
}

// LiveInstance is one instance's changing part; the fields mean what
// Instance's of the same name do.
type LiveInstance struct {
	Name              string
	State             string
	EffectivePriority int
	MasterAddr        netip.Addr // invalid: no master known
	Maintenance       bool
	LastTransition    time.Time
	LastReason        string
}
