package vrrp

import (
	"fmt"
	"net"
	"net/netip"
	"time"
)

// The well-known VRRP groups (RFC 3768 §5.2.2, RFC 5798 §5.1.1.2, §5.1.2.2).
// keepalived lets vrrp_mcast_group4/6 override them; these are the defaults
// and the address the old-unicast checksum form sums in.
var (
	GroupIPv4 = netip.AddrFrom4([4]byte{224, 0, 0, 18})
	GroupIPv6 = netip.AddrFrom16([16]byte{0: 0xff, 1: 0x02, 15: 0x12})
)

// Group returns the default VRRP multicast group of family f.
func Group(f Family) netip.Addr {
	if f == IPv6 {
		return GroupIPv6
	}
	return GroupIPv4
}

// VirtualMAC returns the RFC 5798 §7.3 virtual router MAC for vrid:
// 00:00:5e:00:01:VRID for IPv4 and 00:00:5e:00:02:VRID for IPv6. use_vmac
// puts it on a macvlan; the two families get different MACs so a v4 and a
// v6 instance with the same VRID can coexist on one link.
func VirtualMAC(f Family, vrid uint8) (net.HardwareAddr, error) {
	if vrid == 0 {
		return nil, fmt.Errorf("virtual MAC: %w", ErrVRID)
	}
	var kind byte
	switch f {
	case IPv4:
		kind = 1
	case IPv6:
		kind = 2
	default:
		return nil, fmt.Errorf("virtual MAC for VRID %d: family %d: %w", vrid, f, ErrFamily)
	}
	return net.HardwareAddr{0x00, 0x00, 0x5e, 0x00, kind, vrid}, nil
}

const (
	maxV2Interval = 255  // 8-bit field, seconds
	maxV3Interval = 4095 // 12-bit field, centiseconds (40.95 s)
	centisecond   = 10 * time.Millisecond
)

// IntervalToWire converts an advert interval to the wire units of version:
// whole seconds 1..255 for v2, centiseconds 1..4095 for v3. A value that is
// not a whole number of units is an error rather than rounded here:
// keepalived rounds v2 fractions at configuration time with a warning, and
// that decision (and its diagnostic) belongs to the config layer.
func IntervalToWire(version int, d time.Duration) (uint16, error) {
	unit, limit := time.Second, time.Duration(maxV2Interval)
	switch version {
	case 2:
	case 3:
		unit, limit = centisecond, maxV3Interval
	default:
		return 0, fmt.Errorf("advert interval %v: version %d: %w", d, version, ErrVersion)
	}
	if d <= 0 || d%unit != 0 || d/unit > limit {
		return 0, fmt.Errorf("advert interval %v for VRRPv%d (1..%d × %v): %w", d, version, limit, unit, ErrInterval)
	}
	return uint16(d / unit), nil
}

// IntervalFromWire converts a wire interval of version to a duration; 0 is
// returned for an unknown version.
func IntervalFromWire(version int, v uint16) time.Duration {
	switch version {
	case 2:
		return time.Duration(v) * time.Second
	case 3:
		return time.Duration(v) * centisecond
	}
	return 0
}

// IntervalDuration is the advert's interval as a duration.
func (a *Advert) IntervalDuration() time.Duration {
	return IntervalFromWire(int(a.Version), a.Interval)
}

// PassAuthData is the 8-byte v2 authentication data for a simple password:
// keepalived truncates auth_pass to 8 bytes and zero-pads it, and compares
// all 8 bytes on receive, so "abc" and "abc\x00" are the same password.
func PassAuthData(pass string) [authDataLen]byte {
	var d [authDataLen]byte
	copy(d[:], pass)
	return d
}
