package vrrp

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Marshal returns the wire form of a. See AppendTo.
func (a *Advert) Marshal(src, dst netip.Addr, form ChecksumForm) ([]byte, error) {
	return a.AppendTo(make([]byte, 0, a.Len()), src, dst, form)
}

// AppendTo appends the wire form of a to b and returns the extended slice;
// with enough capacity in b it allocates nothing, so the sender can reuse
// one buffer per instance. src and dst are the IP addresses the packet will
// carry: v3 checksums cover them (for unicast, each peer gets its own
// checksum). form picks the checksum variant; ChecksumDefault is right
// unless v3_checksum_as_v2 (ChecksumPlain) or old_unicast_checksum
// (ChecksumOldUnicast) is configured. a is validated with the same rules
// decoding applies, so govrrpd never sends what it would itself discard.
func (a *Advert) AppendTo(b []byte, src, dst netip.Addr, form ChecksumForm) ([]byte, error) {
	src, dst = src.Unmap(), dst.Unmap()
	alen, pseudo, err := a.checkEncode(src, dst, form)
	if err != nil {
		return b, fmt.Errorf("vrrp advert VRID %d: %w", a.VRID, err)
	}
	start := len(b)
	var b4 byte
	if a.Version == 3 {
		b4 = a.Reserved<<4 | byte(a.Interval>>8)
	} else {
		b4 = byte(a.AuthType)
	}
	b = append(b, a.Version<<4|TypeAdvertisement, a.VRID, a.Priority, a.n,
		b4, byte(a.Interval), 0, 0)
	for _, ip := range a.addrs[:a.n] {
		if alen == 4 {
			v := ip.As4()
			b = append(b, v[:]...)
		} else {
			v := ip.As16()
			b = append(b, v[:]...)
		}
	}
	if a.Version == 2 {
		b = append(b, a.AuthData[:]...)
	}
	if form == ChecksumOldUnicast {
		dst = GroupIPv4
	}
	binary.BigEndian.PutUint16(b[start+csumOffset:], checksum(b[start:], src, dst, pseudo))
	return b, nil
}

// checkEncode validates a for the given addresses and checksum form and
// returns the address size and whether the pseudo-header is summed.
func (a *Advert) checkEncode(src, dst netip.Addr, form ChecksumForm) (alen int, pseudo bool, err error) {
	if a.VRID == 0 {
		return 0, false, ErrVRID
	}
	switch a.Version {
	case 2:
		err = a.checkV2(form)
		return 4, false, err
	case 3:
	default:
		return 0, false, fmt.Errorf("version %d: %w", a.Version, ErrVersion)
	}
	if a.Interval == 0 || a.Interval > maxV3Interval || a.Reserved > 0x0f {
		return 0, false, fmt.Errorf("interval %d reserved %d: %w", a.Interval, a.Reserved, ErrInterval)
	}
	if a.AuthType != AuthNone || a.AuthData != [authDataLen]byte{} {
		return 0, false, fmt.Errorf("VRRPv3 carries no authentication: %w", ErrAuthType)
	}
	if !src.IsValid() || !dst.IsValid() || src.Is4() != dst.Is4() {
		return 0, false, fmt.Errorf("src %v dst %v: %w", src, dst, ErrFamily)
	}
	alen = 4
	if src.Is6() {
		alen = 16
	}
	if err := a.checkAddrs(src.Is4()); err != nil {
		return 0, false, err
	}
	switch {
	case form == ChecksumDefault || form == ChecksumPseudo:
		return alen, true, nil
	case src.Is4() && form == ChecksumPlain:
		return alen, false, nil
	case src.Is4() && form == ChecksumOldUnicast:
		return alen, true, nil
	}
	return 0, false, fmt.Errorf("v3 %s: %w", form, ErrFormInvalid)
}

func (a *Advert) checkV2(form ChecksumForm) error {
	if form != ChecksumDefault && form != ChecksumPlain {
		return fmt.Errorf("v2 %s: %w", form, ErrFormInvalid)
	}
	if a.Interval == 0 || a.Interval > maxV2Interval {
		return fmt.Errorf("interval %d: %w", a.Interval, ErrInterval)
	}
	if a.Reserved != 0 {
		return fmt.Errorf("VRRPv2 has no reserved bits: %w", ErrInterval)
	}
	switch a.AuthType {
	case AuthNone, AuthPass:
	case AuthAH:
		return ErrAuthAH
	default:
		return fmt.Errorf("auth type %d: %w", a.AuthType, ErrAuthType)
	}
	return a.checkAddrs(true)
}

func (a *Advert) checkAddrs(want4 bool) error {
	fam := IPv6
	if want4 {
		fam = IPv4
	}
	for _, ip := range a.addrs[:a.n] {
		if !ip.IsValid() || ip.Is4() != want4 {
			return fmt.Errorf("address %v in a VRRP IPv%d advert: %w", ip, fam, ErrFamily)
		}
	}
	return nil
}

// SendChecksumForm is the form instance in sends with: v3_checksum_as_v2
// drops the pseudo-header, and only means something for VRRPv3 over IPv4
// (v2 never has one, IPv6 always does).
func SendChecksumForm(in *Instance) ChecksumForm {
	if in.V3ChecksumAsV2 && in.Family != IPv6 && in.Version == 3 {
		return ChecksumPlain
	}
	return ChecksumDefault
}
