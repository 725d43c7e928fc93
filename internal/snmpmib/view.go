package snmpmib

import (
	"net/netip"
	"slices"

	"github.com/govrrpd/govrrpd/agentx"
	"github.com/govrrpd/govrrpd/internal/status"
)

// MIBs selects the trees to serve, as keepalived's enable_snmp_* do.
type MIBs uint8

// The trees.
const (
	KeepalivedVRRP    MIBs = 1 << iota // enable_snmp_vrrp: KEEPALIVED-MIB global and vrrp
	KeepalivedChecker                  // enable_snmp_checker: KEEPALIVED-MIB check
	RFCv2                              // enable_snmp_rfcv2: VRRP-MIB
	RFCv3                              // enable_snmp_rfcv3: VRRPv3-MIB
)

// The roots of the trees, written out (TestRootOIDs) so that the package
// builds nothing at start: a daemon without SNMP runs none of its code
// (docs/scale.md, "Session 7: the binary's resident pages").
var (
	Keepalived     = agentx.OID{1, 3, 6, 1, 4, 1, 9586, 100, 5}
	KeepalivedGlob = agentx.OID{1, 3, 6, 1, 4, 1, 9586, 100, 5, 1}
	KeepalivedVR   = agentx.OID{1, 3, 6, 1, 4, 1, 9586, 100, 5, 2}
	KeepalivedChk  = agentx.OID{1, 3, 6, 1, 4, 1, 9586, 100, 5, 3}
	VRRPMIB        = agentx.OID{1, 3, 6, 1, 2, 1, 68}
	VRRPv3MIB      = agentx.OID{1, 3, 6, 1, 2, 1, 207}
)

// Subtrees lists the subtrees m registers with the master agent, as
// keepalived does: the global group goes with the vrrp or checker tree.
func (m MIBs) Subtrees() []agentx.OID {
	var out []agentx.OID
	if m&(KeepalivedVRRP|KeepalivedChecker) != 0 {
		out = append(out, KeepalivedGlob)
	}
	if m&KeepalivedVRRP != 0 {
		out = append(out, KeepalivedVR)
	}
	if m&KeepalivedChecker != 0 {
		out = append(out, KeepalivedChk)
	}
	if m&RFCv2 != 0 {
		out = append(out, VRRPMIB)
	}
	if m&RFCv3 != 0 {
		out = append(out, VRRPv3MIB)
	}
	return out
}

// Host is what the snapshot does not say and a MIB needs.
type Host struct {
	RouterID string
	// IfIndex is an interface's index, 0 when it is gone: the RFC
	// tables are indexed by it.
	IfIndex func(name string) int
	// InitialState is each instance's configured `state` (MASTER or
	// BACKUP), by name: vrrpInstanceInitialState.
	InitialState map[string]string
	// Instances and Groups are the configured settings, by name; an
	// instance or group without one serves only its status columns.
	Instances map[string]InstanceConf
	Groups    map[string]SyncGroupConf
	// Scripts are the vrrp_script definitions, in the file's order.
	Scripts []ScriptConf
	// VirtualServers are the configured virtual servers by status key.
	VirtualServers map[string]VSConf
	Global         GlobalConf
	// IfMAC is an interface's hardware address, nil when it is gone;
	// IfAddr its primary address of a family (IPv6: link-local), the
	// invalid Addr when it has none.
	IfMAC  func(name string) []byte
	IfAddr func(name string, v6 bool) netip.Addr
}

// View is one snapshot's objects, sorted by name.
type View struct {
	vbs []agentx.VarBind
}

// Build serves the trees m selects from d.
func Build(d status.Daemon, h Host, m MIBs) *View {
	b := &builder{h: h}
	if h.IfIndex == nil {
		b.h.IfIndex = func(string) int { return 0 }
	}
	if h.IfMAC == nil {
		b.h.IfMAC = func(string) []byte { return nil }
	}
	if h.IfAddr == nil {
		b.h.IfAddr = func(string, bool) netip.Addr { return netip.Addr{} }
	}
	if m&(KeepalivedVRRP|KeepalivedChecker) != 0 {
		b.str(KeepalivedGlob.Append(1, 0), "govrrpd "+d.Version)
		b.str(KeepalivedGlob.Append(2, 0), h.RouterID)
		b.globals(h.Global)
	}
	if m&KeepalivedVRRP != 0 {
		b.keepalivedVRRP(d)
	}
	if m&KeepalivedChecker != 0 {
		b.keepalivedCheck(d)
	}
	if m&RFCv2 != 0 {
		b.rfc2787(d)
	}
	if m&RFCv3 != 0 {
		b.rfc6527(d)
	}
	slices.SortFunc(b.vbs, func(x, y agentx.VarBind) int { return x.Name.Compare(y.Name) })
	b.vbs = slices.CompactFunc(b.vbs, func(x, y agentx.VarBind) bool { return x.Name.Compare(y.Name) == 0 })
	return &View{vbs: b.vbs}
}

// Len is the number of objects.
func (v *View) Len() int { return len(v.vbs) }

// Get answers a Get: the object itself, or NoSuchObject.
func (v *View) Get(name agentx.OID) agentx.VarBind {
	i, ok := slices.BinarySearchFunc(v.vbs, name, func(x agentx.VarBind, n agentx.OID) int { return x.Name.Compare(n) })
	if ok {
		return v.vbs[i]
	}
	return agentx.VarBind{Name: name, Type: agentx.NoSuchObject}
}

// Next answers a GetNext range: the first object after start (or at it,
// when include), before end if end is set; EndOfMibView otherwise.
func (v *View) Next(r agentx.SearchRange) agentx.VarBind {
	i, ok := slices.BinarySearchFunc(v.vbs, r.Start, func(x agentx.VarBind, n agentx.OID) int { return x.Name.Compare(n) })
	if ok && !r.Include {
		i++
	}
	if i < len(v.vbs) && (len(r.End) == 0 || v.vbs[i].Name.Compare(r.End) < 0) {
		return v.vbs[i]
	}
	return agentx.VarBind{Name: r.Start, Type: agentx.EndOfMibView}
}

// All returns every object, in order.
func (v *View) All() []agentx.VarBind { return v.vbs }

type builder struct {
	h   Host
	vbs []agentx.VarBind
}

func (b *builder) add(name agentx.OID, t agentx.VarType, v any) {
	b.vbs = append(b.vbs, agentx.VarBind{Name: name, Type: t, Value: v})
}

func (b *builder) str(name agentx.OID, s string) { b.add(name, agentx.OctetString, []byte(s)) }
func (b *builder) int(name agentx.OID, n int)    { b.add(name, agentx.Integer, int32(n)) }
func (b *builder) gauge(name agentx.OID, n uint64) {
	b.add(name, agentx.Gauge32, uint32(min(n, 1<<32-1)))
}
func (b *builder) counter(name agentx.OID, n uint64) { b.add(name, agentx.Counter32, uint32(n)) }

const ipAddress = agentx.IPAddress

func (b *builder) counter64(name agentx.OID, n uint64) {
	b.add(name, agentx.Counter64, n)
}
