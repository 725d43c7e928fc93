package ipvs

import (
	"bytes"
	"fmt"
	"net/netip"
	"syscall"

	"github.com/vishvananda/netlink/nl"
)

// IPVS generic-netlink commands and attributes for the sync daemon, from
// the kernel's include/uapi/linux/ip_vs.h. github.com/moby/ipvs v1.1.0
// declares the commands but sends none of them.
const (
	ipvsCmdNewDaemon = 9
	ipvsCmdDelDaemon = 10
	ipvsCmdGetDaemon = 11

	ipvsCmdAttrDaemon = 3

	daemonAttrState       = 1 // u32
	daemonAttrMcastIfn    = 2 // NUL-terminated string
	daemonAttrSyncID      = 3 // u32
	daemonAttrSyncMaxLen  = 4 // u16
	daemonAttrMcastGroup  = 5 // in_addr
	daemonAttrMcastGroup6 = 6 // in6_addr
	daemonAttrMcastPort   = 7 // u16, host order (nla_get_u16)
	daemonAttrMcastTTL    = 8 // u8

	// nlaTypeMask clears NLA_F_NESTED and NLA_F_NET_BYTEORDER.
	nlaTypeMask = 0x3fff
)

// encodeSyncStart is the IPVS_CMD_ATTR_DAEMON nest of IPVS_CMD_NEW_DAEMON.
// Zero optional fields are left out, so the kernel applies its defaults.
func encodeSyncStart(c SyncConfig) *nl.RtAttr {
	a := nl.NewRtAttr(ipvsCmdAttrDaemon, nil)
	a.AddRtAttr(daemonAttrState, nl.Uint32Attr(uint32(c.State)))
	a.AddRtAttr(daemonAttrMcastIfn, nl.ZeroTerminated(c.Interface))
	a.AddRtAttr(daemonAttrSyncID, nl.Uint32Attr(uint32(c.SyncID)))
	if c.MaxLen != 0 {
		a.AddRtAttr(daemonAttrSyncMaxLen, nl.Uint16Attr(c.MaxLen))
	}
	if c.Group.Is4() {
		g := c.Group.As4()
		a.AddRtAttr(daemonAttrMcastGroup, g[:])
	} else if c.Group.Is6() {
		g := c.Group.As16()
		a.AddRtAttr(daemonAttrMcastGroup6, g[:])
	}
	if c.Port != 0 {
		a.AddRtAttr(daemonAttrMcastPort, nl.Uint16Attr(c.Port))
	}
	if c.TTL != 0 {
		a.AddRtAttr(daemonAttrMcastTTL, nl.Uint8Attr(c.TTL))
	}
	return a
}

// encodeSyncStop is the nest of IPVS_CMD_DEL_DAEMON: the state alone.
func encodeSyncStop(s SyncState) *nl.RtAttr {
	a := nl.NewRtAttr(ipvsCmdAttrDaemon, nil)
	a.AddRtAttr(daemonAttrState, nl.Uint32Attr(uint32(s)))
	return a
}

// decodeSyncDaemons reads one GET_DAEMON reply: the genl header, then an
// IPVS_CMD_ATTR_DAEMON nest per daemon.
func decodeSyncDaemons(msg []byte) ([]SyncConfig, error) {
	if len(msg) < nl.SizeofGenlmsg {
		return nil, fmt.Errorf("ipvs daemon reply: %d bytes, shorter than the genl header", len(msg))
	}
	attrs, err := parseAttrs(msg[nl.SizeofGenlmsg:])
	if err != nil {
		return nil, fmt.Errorf("ipvs daemon reply: %w", err)
	}
	var out []SyncConfig
	for _, a := range attrs {
		if a.Attr.Type&nlaTypeMask != ipvsCmdAttrDaemon {
			continue
		}
		c, err := decodeSyncNest(a.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func decodeSyncNest(b []byte) (SyncConfig, error) {
	attrs, err := parseAttrs(b)
	if err != nil {
		return SyncConfig{}, fmt.Errorf("ipvs daemon attributes: %w", err)
	}
	var c SyncConfig
	var have uint
	for _, a := range attrs {
		t, v := a.Attr.Type&nlaTypeMask, a.Value
		if err := decodeSyncAttr(&c, t, v); err != nil {
			return SyncConfig{}, err
		}
		have |= 1 << t
	}
	const need = 1<<daemonAttrState | 1<<daemonAttrMcastIfn | 1<<daemonAttrSyncID
	if have&need != need {
		return SyncConfig{}, fmt.Errorf("ipvs daemon attributes: state, interface or sync id missing")
	}
	return c, nil
}

// parseAttrs is nl.ParseRouteAttr on a buffer padded to 4 bytes:
// ParseRouteAttr slices past the end (and panics) when the last attribute's
// padding is missing, which FuzzDecodeSyncDaemons found.
func parseAttrs(b []byte) ([]syscall.NetlinkRouteAttr, error) {
	if len(b)%4 != 0 {
		b = append(b[:len(b):len(b)], make([]byte, 4-len(b)%4)...)
	}
	return nl.ParseRouteAttr(b)
}

// syncAttrSize is the least length of each fixed-size attribute.
var syncAttrSize = map[uint16]int{daemonAttrState: 4, daemonAttrSyncID: 4, daemonAttrSyncMaxLen: 2,
	daemonAttrMcastGroup: 4, daemonAttrMcastGroup6: 16, daemonAttrMcastPort: 2, daemonAttrMcastTTL: 1}

// decodeSyncAttr fills one attribute; sizes are checked so that a short
// or corrupt reply is an error, never a panic.
func decodeSyncAttr(c *SyncConfig, t uint16, v []byte) error {
	if n, ok := syncAttrSize[t]; ok && len(v) < n {
		return fmt.Errorf("ipvs daemon attribute %d: %d bytes, want %d", t, len(v), n)
	}
	ne := nl.NativeEndian()
	switch t {
	case daemonAttrState:
		c.State = SyncState(ne.Uint32(v))
	case daemonAttrMcastIfn:
		// nl.BytesToString panics on a string without its NUL.
		name, _, _ := bytes.Cut(v, []byte{0})
		c.Interface = string(name)
	case daemonAttrSyncID:
		id := ne.Uint32(v)
		if id > 255 {
			return fmt.Errorf("ipvs daemon sync id %d outside [0, 255]", id)
		}
		c.SyncID = uint8(id)
	case daemonAttrSyncMaxLen:
		c.MaxLen = ne.Uint16(v)
	case daemonAttrMcastGroup:
		c.Group = netip.AddrFrom4([4]byte(v[:4]))
	case daemonAttrMcastGroup6:
		c.Group = netip.AddrFrom16([16]byte(v[:16]))
	case daemonAttrMcastPort:
		c.Port = ne.Uint16(v)
	case daemonAttrMcastTTL:
		c.TTL = v[0]
	}
	return nil
}
