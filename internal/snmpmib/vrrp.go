package snmpmib

import (
	"net/netip"
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
	for g, sg := range d.SyncGroups {
		gi := uint32(g + 1)
		b.str(KeepalivedVR.Append(1, 1, 2, gi), sg.Name)
		b.int(KeepalivedVR.Append(1, 1, 3, gi), KeepalivedState(sg.State))
		// Members are numbered by their place in the group, as keepalived
		// walks its list, whatever the MIB's index name suggests.
		for j, m := range sg.Members {
			b.str(KeepalivedVR.Append(2, 1, 2, gi, uint32(j+1)), m)
		}
	}
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

// rfc2787 is VRRP-MIB's vrrpOperTable for VRRPv2 IPv4 instances, indexed
// by ifIndex and VRID.
func (b *builder) rfc2787(d status.Daemon) {
	b.int(VRRPMIB.Append(1, 1, 0), 2) // vrrpNodeVersion
	for _, in := range d.Instances {
		if in.Version != 2 || in.Family != "inet" {
			continue
		}
		ifi := b.h.IfIndex(in.Interface)
		col := func(c uint32) []uint32 { return VRRPMIB.Append(1, 3, 1, c, uint32(ifi), uint32(in.VRID)) }
		b.int(col(3), rfcState(in.State))
		b.int(col(4), 1) // vrrpOperAdminState: up
		b.int(col(5), in.Priority)
		b.int(col(6), len(in.VIPs))
		if a, err := netip.ParseAddr(in.MasterAddr); err == nil && a.Is4() {
			b.add(col(7), ipAddress, a.As4())
		}
		b.int(col(11), int(time.Duration(in.AdvertInt)/time.Second))
		b.int(col(14), 1) // vrrpOperProtocol: ip
		b.int(col(15), 1) // vrrpOperRowStatus: active
	}
}

// rfc6527 is VRRPv3-MIB's vrrpv3OperationsTable, indexed by ifIndex,
// VRID and address type, for instances with at least one address. Like
// Debian's keepalived (built to answer VRRPv3-MIB for VRRPv2 instances
// too), it lists VRRPv2 instances as well.
func (b *builder) rfc6527(d status.Daemon) {
	for _, in := range d.Instances {
		if len(in.VIPs) == 0 {
			continue
		}
		ifi, at := b.h.IfIndex(in.Interface), uint32(1)
		if in.Family == "inet6" {
			at = 2
		}
		col := func(c uint32) []uint32 { return VRRPv3MIB.Append(1, 1, 1, 1, c, uint32(ifi), uint32(in.VRID), at) }
		if a, err := netip.ParseAddr(in.MasterAddr); err == nil {
			b.str(col(3), string(a.AsSlice()))
		}
		b.int(col(6), rfcState(in.State))
		b.gauge(col(7), uint64(in.Priority))
		b.int(col(8), len(in.VIPs))
		b.int(col(9), int(time.Duration(in.AdvertInt)/(10*time.Millisecond)))
		b.int(col(13), 1) // vrrpv3OperationsRowStatus: active
	}
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
