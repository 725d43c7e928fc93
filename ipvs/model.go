package ipvs

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
)

// The kernel-level model: what one IPVS service and destination look like
// once the configuration has been expanded (groups into one service per
// address, defaults filled in). The reconciler diffs tables of these, and
// both backends speak them, so the diff never depends on moby/ipvs types.

// Service flag bits, as the kernel defines them (IP_VS_SVC_F_*).
const (
	FlagPersistent uint32 = 0x0001
	FlagHashed     uint32 = 0x0002 // set by the kernel on every service
	FlagOnePacket  uint32 = 0x0004
	FlagSched1     uint32 = 0x0008
	FlagSched2     uint32 = 0x0010
	FlagSched3     uint32 = 0x0020
)

// ServiceKey identifies a kernel service: either (family, protocol, address,
// port) or (family, fwmark).
type ServiceKey struct {
	Family   uint8 // 4 or 6
	Protocol Protocol
	Addr     netip.Addr
	Port     uint16
	FWMark   uint32
}

func (k ServiceKey) String() string {
	if k.FWMark != 0 {
		return fmt.Sprintf("fwmark %d/%d", k.FWMark, k.Family)
	}
	return fmt.Sprintf("%s/%s", netip.AddrPortFrom(k.Addr, k.Port), k.Protocol)
}

func (k ServiceKey) compare(o ServiceKey) int {
	if c := cmp.Compare(k.FWMark, o.FWMark); c != 0 {
		return c
	}
	if c := cmp.Compare(k.Family, o.Family); c != 0 {
		return c
	}
	if c := cmp.Compare(k.Protocol, o.Protocol); c != 0 {
		return c
	}
	if c := k.Addr.Compare(o.Addr); c != 0 {
		return c
	}
	return cmp.Compare(k.Port, o.Port)
}

// Service is a kernel service's settings.
type Service struct {
	Key       ServiceKey
	Scheduler string
	Flags     uint32 // without FlagHashed: the kernel adds it, so it says nothing
	Timeout   uint32 // persistence, seconds
	Netmask   uint32 // IPv4: the mask's bytes in network order read as a native uint32; IPv6: prefix length
	PE        string // persistence engine
}

// Equal reports whether two services need no update between them.
func (s Service) Equal(o Service) bool {
	return s.Key == o.Key && s.Scheduler == o.Scheduler &&
		s.Flags&^FlagHashed == o.Flags&^FlagHashed &&
		s.Timeout == o.Timeout && s.Netmask == o.Netmask && s.PE == o.PE
}

// Dest is one destination (real server) of a service.
type Dest struct {
	Addr       netip.AddrPort
	Weight     int
	Method     Method
	UThreshold uint32
	LThreshold uint32
}

// Table is a set of services with their destinations, keyed for diffing.
type Table map[ServiceKey]*Entry

// Entry is one service of a Table with its destinations.
type Entry struct {
	Service Service
	Dests   map[netip.AddrPort]Dest
}

// Keys returns the table's service keys in a stable order, so that the
// operations the diff emits are deterministic.
func (t Table) Keys() []ServiceKey {
	keys := make([]ServiceKey, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, ServiceKey.compare)
	return keys
}

// Clone deep-copies the table.
func (t Table) Clone() Table {
	c := make(Table, len(t))
	for k, e := range t {
		d := make(map[netip.AddrPort]Dest, len(e.Dests))
		for a, v := range e.Dests {
			d[a] = v
		}
		c[k] = &Entry{Service: e.Service, Dests: d}
	}
	return c
}

// DestCount is the number of destinations over all services.
func (t Table) DestCount() int {
	n := 0
	for _, e := range t {
		n += len(e.Dests)
	}
	return n
}

func sortedDests(m map[netip.AddrPort]Dest) []netip.AddrPort {
	a := make([]netip.AddrPort, 0, len(m))
	for k := range m {
		a = append(a, k)
	}
	slices.SortFunc(a, netip.AddrPort.Compare)
	return a
}
