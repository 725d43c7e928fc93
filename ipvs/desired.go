package ipvs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// ErrUnsupported marks settings the kernel has but the netlink library
// (github.com/moby/ipvs v1.1.0) cannot send: tunnel types other than ipip,
// tunnel checksum options, mixed-family destinations and the connection
// sync daemon. Configurations using them must be rejected, not silently
// run with something else.
var ErrUnsupported = errors.New("not supported by the IPVS netlink backend")

// maxGroupServices bounds one virtual_server_group expansion: each address
// of a range becomes its own kernel service, and a typo such as a /8 range
// must not create millions.
const maxGroupServices = 65536

// ServiceKeys expands a virtual server into the kernel services it stands
// for: one for an address or fwmark, one per address and per fwmark of a
// virtual_server_group.
func ServiceKeys(vs VirtualServer, groups map[string]Group) ([]ServiceKey, error) {
	switch {
	case vs.FWMark != 0:
		return []ServiceKey{{Family: family(vs.Family), FWMark: vs.FWMark}}, nil
	case vs.Group == "":
		a := vs.Addr.Addr().Unmap()
		if !a.IsValid() {
			return nil, fmt.Errorf("virtual server %s: no address", vs.Key())
		}
		return []ServiceKey{{Family: addrFamily(a), Protocol: vs.Protocol, Addr: a, Port: vs.Addr.Port()}}, nil
	}
	g, ok := groups[vs.Group]
	if !ok {
		return nil, fmt.Errorf("virtual server %s: virtual_server_group %q not defined", vs.Key(), vs.Group)
	}
	var keys []ServiceKey
	for _, e := range g.Entries {
		if e.FWMark != 0 {
			keys = append(keys, ServiceKey{Family: family(e.Family), FWMark: e.FWMark})
			continue
		}
		first, last := e.First.Unmap(), e.Last.Unmap()
		if !last.IsValid() {
			last = first
		}
		if !first.IsValid() || first.Is4() != last.Is4() || last.Less(first) {
			return nil, fmt.Errorf("virtual_server_group %s: bad range %s-%s", g.Name, e.First, e.Last)
		}
		for a := first; ; a = a.Next() {
			if len(keys) >= maxGroupServices {
				return nil, fmt.Errorf("virtual_server_group %s: more than %d services", g.Name, maxGroupServices)
			}
			keys = append(keys, ServiceKey{Family: addrFamily(a), Protocol: vs.Protocol, Addr: a, Port: e.Port})
			if a == last {
				break
			}
		}
	}
	return keys, nil
}

func family(f uint8) uint8 {
	if f == 6 {
		return 6
	}
	return 4
}

func addrFamily(a netip.Addr) uint8 {
	if a.Is4() {
		return 4
	}
	return 6
}

// schedFlags maps keepalived's scheduler flag keywords to service flags.
var schedFlags = map[string]uint32{
	"hashed": FlagHashed, "flag-1": FlagSched1, "flag-2": FlagSched2, "flag-3": FlagSched3,
	"sh-fallback": FlagSched1, "sh-port": FlagSched2, "mh-fallback": FlagSched1, "mh-port": FlagSched2,
}

// ServiceFor fills in the kernel service for one key of a virtual server,
// with keepalived's defaults (wlc, full netmask).
func ServiceFor(vs VirtualServer, k ServiceKey) (Service, error) {
	o := vs.Options()
	s := Service{Key: k, Scheduler: vs.Scheduler, PE: o.PersistenceEngine}
	if s.Scheduler == "" {
		s.Scheduler = "wlc"
	}
	if k.FWMark != 0 {
		s.Key.Protocol = 0
	}
	for _, f := range o.SchedFlags {
		bit, ok := schedFlags[f]
		if !ok {
			return Service{}, fmt.Errorf("virtual server %s: unknown scheduler flag %q", vs.Key(), f)
		}
		s.Flags |= bit &^ FlagHashed
	}
	if vs.OPS {
		s.Flags |= FlagOnePacket
	}
	if vs.Persistence > 0 {
		s.Flags |= FlagPersistent
		s.Timeout = uint32(vs.Persistence.Seconds())
	}
	nm, err := netmask(vs, k.Family)
	if err != nil {
		return Service{}, fmt.Errorf("virtual server %s: %w", vs.Key(), err)
	}
	s.Netmask = nm
	return s, nil
}

// netmask encodes persistence_granularity as the kernel wants it: an IPv4
// mask travels as its network-order bytes (moby/ipvs writes the uint32 in
// native order, so the bytes are reinterpreted here), an IPv6 one as a
// prefix length.
func netmask(vs VirtualServer, fam uint8) (uint32, error) {
	o := vs.Options()
	g := o.PersistenceGranularity
	if fam == 6 {
		switch {
		case o.PersistencePrefix != 0:
			if o.PersistencePrefix < 1 || o.PersistencePrefix > 128 {
				return 0, fmt.Errorf("persistence_granularity /%d out of range", o.PersistencePrefix)
			}
			return uint32(o.PersistencePrefix), nil
		case g.Is6():
			if maskBits(g) < 1 {
				return 0, fmt.Errorf("persistence_granularity %s is not a mask", g)
			}
			return uint32(maskBits(g)), nil
		}
		return 128, nil
	}
	if !g.IsValid() {
		return 0xffffffff, nil
	}
	if !g.Is4() || maskBits(g) < 0 {
		return 0, fmt.Errorf("persistence_granularity %s is not an IPv4 mask", g)
	}
	b := g.As4()
	return binary.NativeEndian.Uint32(b[:]), nil
}

// maskBits returns the prefix length of a contiguous mask, or -1.
func maskBits(m netip.Addr) int {
	bs := m.AsSlice()
	n, zero := 0, false
	for _, b := range bs {
		for i := 7; i >= 0; i-- {
			one := b&(1<<i) != 0
			if one && zero {
				return -1
			}
			if one {
				n++
			} else {
				zero = true
			}
		}
	}
	return n
}

// DestFor builds the kernel destination of a real server at a weight.
func DestFor(vs VirtualServer, rs RealServer, fam uint8, weight int) (Dest, error) {
	fwd := vs.Forwarding
	if rs.Forwarding != nil {
		fwd = *rs.Forwarding
	}
	if (fwd.TunType != "" && fwd.TunType != "ipip") || fwd.TunCsum != "" || fwd.TunPort != 0 {
		return Dest{}, fmt.Errorf("real server %s of %s: tunnel type %q %s: %w", rs.Addr, vs.Key(), fwd.TunType, fwd.TunCsum, ErrUnsupported)
	}
	a := netip.AddrPortFrom(rs.Addr.Addr().Unmap(), rs.Addr.Port())
	if addrFamily(a.Addr()) != fam {
		return Dest{}, fmt.Errorf("real server %s of %s: mixed address families: %w", rs.Addr, vs.Key(), ErrUnsupported)
	}
	if weight < 0 {
		return Dest{}, fmt.Errorf("real server %s of %s: negative weight %d", rs.Addr, vs.Key(), weight)
	}
	return Dest{Addr: a, Weight: weight, Method: fwd.Method, UThreshold: rs.UThreshold, LThreshold: rs.LThreshold}, nil
}
