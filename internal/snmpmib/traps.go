package snmpmib

import (
	"net/netip"
	"strings"

	"github.com/govrrpd/govrrpd/agentx"
	"github.com/govrrpd/govrrpd/internal/status"
)

// SNMPTrapOID is snmpTrapOID.0, the second varbind of every notification.
var SNMPTrapOID = agentx.OID{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}

// The notifications keepalived sends, written out as the roots are
// (TestRootOIDs).
var (
	TrapSyncGroupStateChange = agentx.OID{1, 3, 6, 1, 4, 1, 9586, 100, 5, 2, 10, 0, 1}
	TrapInstanceStateChange  = agentx.OID{1, 3, 6, 1, 4, 1, 9586, 100, 5, 2, 10, 0, 2}
	TrapRealServerChange     = agentx.OID{1, 3, 6, 1, 4, 1, 9586, 100, 5, 3, 5, 0, 1}
	TrapQuorumChange         = agentx.OID{1, 3, 6, 1, 4, 1, 9586, 100, 5, 3, 5, 0, 2}
	TrapVRRPNewMaster        = agentx.OID{1, 3, 6, 1, 2, 1, 68, 0, 1}
	TrapVRRPv3NewMaster      = agentx.OID{1, 3, 6, 1, 2, 1, 207, 0, 1}
)

// trap starts a notification's varbinds with its snmpTrapOID.0; the
// master agent puts sysUpTime.0 in front.
func trap(oid agentx.OID) *builder {
	b := &builder{}
	b.add(SNMPTrapOID, agentx.ObjectIdentifier, oid)
	return b
}

func (b *builder) routerID(id string) []agentx.VarBind {
	b.str(KeepalivedGlob.Append(2, 0), id)
	return b.vbs
}

// InstanceTrap is vrrpInstanceStateChange. keepalived names the columns
// without a row index (vrrpInstanceName, not vrrpInstanceName.1), and so
// do these, so that trap handlers written for keepalived match.
func InstanceTrap(in status.Instance, h Host) []agentx.VarBind {
	b := trap(TrapInstanceStateChange)
	b.str(KeepalivedVR.Append(3, 1, 2), in.Name)
	b.int(KeepalivedVR.Append(3, 1, 4), KeepalivedState(in.State))
	b.int(KeepalivedVR.Append(3, 1, 5), KeepalivedState(h.InitialState[in.Name]))
	return b.routerID(h.RouterID)
}

// GroupTrap is vrrpSyncGroupStateChange.
func GroupTrap(g status.SyncGroup, h Host) []agentx.VarBind {
	b := trap(TrapSyncGroupStateChange)
	b.str(KeepalivedVR.Append(1, 1, 2), g.Name)
	b.int(KeepalivedVR.Append(1, 1, 3), KeepalivedState(g.State))
	return b.routerID(h.RouterID)
}

// NewMasterV2 is VRRP-MIB's vrrpTrapNewMaster for a VRRPv2 IPv4 instance
// that became master; false for any other instance.
func NewMasterV2(in status.Instance, h Host) ([]agentx.VarBind, bool) {
	a, err := netip.ParseAddr(in.MasterAddr)
	if in.Version != 2 || in.Family != "inet" || err != nil || !a.Is4() {
		return nil, false
	}
	b := trap(TrapVRRPNewMaster)
	ifi := 0
	if h.IfIndex != nil {
		ifi = h.IfIndex(in.Interface)
	}
	b.add(VRRPMIB.Append(1, 3, 1, 7, uint32(ifi), uint32(in.VRID)), agentx.IPAddress, a.As4())
	return b.vbs, true
}

// NewMasterV3 is VRRPv3-MIB's vrrpv3NewMaster for an instance with
// addresses that became master (VRRPv2 ones too, as Debian's keepalived
// sends it), with vrrpv3StatisticsNewMasterReason
// from cause, the daemon's name for the event that made it master (its
// transition counts' reason).
func NewMasterV3(in status.Instance, h Host, cause string) ([]agentx.VarBind, bool) {
	a, err := netip.ParseAddr(in.MasterAddr)
	if len(in.VIPs) == 0 || err != nil {
		return nil, false
	}
	ifi, at := 0, uint32(1)
	if h.IfIndex != nil {
		ifi = h.IfIndex(in.Interface)
	}
	if in.Family == "inet6" {
		at = 2
	}
	b := trap(TrapVRRPv3NewMaster)
	b.str(VRRPv3MIB.Append(1, 1, 1, 1, 3, uint32(ifi), uint32(in.VRID), at), string(a.AsSlice()))
	b.int(VRRPv3MIB.Append(1, 2, 5, 1, 2, uint32(ifi), uint32(in.VRID), at), newMasterReason(cause))
	return b.vbs, true
}

// newMasterReason maps the cause of the last transition to
// vrrpv3StatisticsNewMasterReason: priority(1), preempted(2),
// masterNoResponse(3).
func newMasterReason(cause string) int {
	switch cause {
	case "master down timer", "priority 0 advert":
		return 3
	case "advert":
		return 2
	}
	return 1
}

// RealServerTrap is realServerStateChange for vs's real server r.
func RealServerTrap(vs status.VirtualServer, r status.RealServer, h Host) []agentx.VarBind {
	b := trap(TrapRealServerChange)
	if t, a, ok := inet(r.Addr); ok {
		b.int(KeepalivedChk.Append(4, 1, 3), t)
		b.str(KeepalivedChk.Append(4, 1, 4), string(a))
	}
	b.gauge(KeepalivedChk.Append(4, 1, 5), uint64(r.Port))
	b.int(KeepalivedChk.Append(4, 1, 6), truth(r.Healthy))
	b.vsTrapVars(vs)
	b.vsRealCounts(vs)
	return b.routerID(h.RouterID)
}

// QuorumTrap is virtualServerQuorumStateChange: vs's quorum is now met
// (up) or lost, with its configured quorum weight.
func QuorumTrap(vs status.VirtualServer, up bool, h Host) []agentx.VarBind {
	b := trap(TrapQuorumChange)
	b.vsTrapVars(vs)
	b.int(KeepalivedChk.Append(3, 1, 23), truth(up))
	if c, ok := h.VirtualServers[vs.Key]; ok {
		b.gauge(KeepalivedChk.Append(3, 1, 22), uint64(c.Quorum))
	}
	b.vsRealCounts(vs)
	return b.routerID(h.RouterID)
}

// vsTrapVars names the virtual server in a checker notification as
// keepalived does: its type, then its group, fwmark or address and
// port, and its protocol.
func (b *builder) vsTrapVars(vs status.VirtualServer) {
	b.int(KeepalivedChk.Append(3, 1, 2), VSType(vs))
	group, isGroup := strings.CutPrefix(vs.Key, vs.Protocol+" group ")
	switch t, a, ok := inet(vs.Addr); {
	case vs.Fwmark != 0:
		b.gauge(KeepalivedChk.Append(3, 1, 4), uint64(vs.Fwmark))
	case ok:
		b.int(KeepalivedChk.Append(3, 1, 5), t)
		b.str(KeepalivedChk.Append(3, 1, 6), string(a))
		b.gauge(KeepalivedChk.Append(3, 1, 7), uint64(vs.Port))
	case isGroup:
		b.str(KeepalivedChk.Append(3, 1, 3), group)
	}
	// keepalived sends TruthValue(tcp) here, not virtualServerProtocol's
	// code: tcp(1), anything else 2.
	b.int(KeepalivedChk.Append(3, 1, 8), truth(vs.Protocol == "TCP"))
}

func (b *builder) vsRealCounts(vs status.VirtualServer) {
	b.gauge(KeepalivedChk.Append(3, 1, 21), uint64(VSUp(vs)))
	b.gauge(KeepalivedChk.Append(3, 1, 20), uint64(len(vs.Reals)))
}
