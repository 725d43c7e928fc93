package snmpmib

import (
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// KeepalivedState is KEEPALIVED-MIB's VrrpState for a state name:
// init(0) backup(1) master(2) fault(3) unknown(4) shutdown(5).
func KeepalivedState(s string) int {
	switch s {
	case "INIT":
		return 0
	case "BACKUP":
		return 1
	case "MASTER":
		return 2
	case "FAULT":
		return 3
	case "STOP":
		return 5
	case "DELETED":
		return 6
	}
	return 4
}

// rfcState is the RFC MIBs' state: initialize(1) backup(2) master(3);
// keepalived reports FAULT and STOP as initialize.
func rfcState(s string) int {
	switch s {
	case "BACKUP":
		return 2
	case "MASTER":
		return 3
	}
	return 1
}

// truth is SNMPv2-TC's TruthValue.
func truth(b bool) int {
	if b {
		return 1
	}
	return 2
}

func (b *builder) keepalivedVRRP(d status.Daemon) {
	b.keepalivedGroups(d)
	b.scripts(b.h.Scripts)
	for i, in := range d.Instances {
		col := func(c uint32) []uint32 { return KeepalivedVR.Append(3, 1, c, uint32(i+1)) }
		b.str(col(2), in.Name)
		b.gauge(col(3), uint64(in.VRID))
		b.int(col(4), KeepalivedState(in.State))
		if s, ok := b.h.InitialState[in.Name]; ok {
			b.int(col(5), KeepalivedState(s))
		}
		b.int(col(7), in.Priority)
		b.int(col(8), in.EffectivePriority)
		b.int(col(9), truth(in.State == "MASTER"))
		b.str(col(10), in.Interface)
		b.int(col(11), truth(tracksInterface(in)))
		b.gauge(col(12), advertUnits(in))
		if in.SyncGroup != "" {
			b.str(col(18), in.SyncGroup)
		}
		b.int(col(30), in.Version)
		if c, ok := b.h.Instances[in.Name]; ok {
			b.instanceConf(col, in, c)
			b.addresses(i, in, c)
			b.tracks(uint32(i+1), c.Tracks, false)
		}
	}
}

// instanceConf is vrrpInstanceTable's columns that come from the
// configuration, with keepalived's units and codes.
func (b *builder) instanceConf(col func(uint32) []uint32, in status.Instance, c InstanceConf) {
	// vrrpInstanceWantedState: keepalived's wanted state is the one it
	// settles in; govrrpd has no such state apart from the current one
	// but in the transient states, where the column is left out.
	if in.State == "MASTER" || in.State == "BACKUP" {
		b.int(col(6), KeepalivedState(in.State))
	}
	b.int(col(13), truth(c.Preempt))
	b.gauge(col(14), uint64(c.PreemptDelay/time.Second))
	auth := 0
	if in.Version == 2 {
		auth = c.AuthType
	}
	b.int(col(15), auth)
	b.int(col(16), truth(c.LVSSyncIf != ""))
	if c.LVSSyncIf != "" {
		b.str(col(17), c.LVSSyncIf)
	}
	b.gauge(col(19), uint64(c.GARPDelay/time.Second))
	b.int(col(20), truth(c.SMTPAlert))
	b.int(col(21), truth(c.NotifyExec))
	accept := 0 // keepalived: VRRPv2 has no accept mode
	if in.Version == 3 {
		accept = truth(c.Accept)
	}
	b.int(col(27), accept)
	// govrrpd never sets promote_secondaries and watches links by
	// netlink, never by polling: both read false.
	b.int(col(28), truth(false))
	b.int(col(29), truth(false))
	b.int(col(33), truth(c.NotifyDeleted))
	if t, a, ok := inet(c.Mcast.String()); ok && c.Mcast.IsValid() {
		b.int(col(34), t)
		b.str(col(35), string(a))
	}
}

// keepalivedGroups is vrrpSyncGroupTable and its member table.
func (b *builder) keepalivedGroups(d status.Daemon) {
	for g, sg := range d.SyncGroups {
		gi := uint32(g + 1)
		b.str(KeepalivedVR.Append(1, 1, 2, gi), sg.Name)
		b.int(KeepalivedVR.Append(1, 1, 3, gi), KeepalivedState(sg.State))
		if c, ok := b.h.Groups[sg.Name]; ok {
			b.int(KeepalivedVR.Append(1, 1, 4, gi), truth(c.SMTPAlert))
			b.int(KeepalivedVR.Append(1, 1, 5, gi), truth(c.NotifyExec))
			b.int(KeepalivedVR.Append(1, 1, 10, gi), truth(c.TrackingWeight))
			b.tracks(gi, c.Tracks, true)
		}
		// Members are numbered by their place in the group, as keepalived
		// walks its list, whatever the MIB's index name suggests.
		for j, m := range sg.Members {
			b.str(KeepalivedVR.Append(2, 1, 2, gi, uint32(j+1)), m)
		}
	}
}

// advertUnits is vrrpInstanceAdvertisementsInt: seconds for VRRPv2,
// centiseconds for VRRPv3, as keepalived's MIB says.
func advertUnits(in status.Instance) uint64 {
	d := time.Duration(in.AdvertInt)
	if in.Version == 2 {
		return uint64(d / time.Second)
	}
	return uint64(d / (10 * time.Millisecond))
}

// tracksInterface is vrrpInstanceTrackPrimaryIf: keepalived's "has
// tracked interfaces".
func tracksInterface(in status.Instance) bool {
	for _, t := range in.Trackers {
		if t.Kind == "interface" {
			return true
		}
	}
	return false
}
