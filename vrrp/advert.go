package vrrp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// MaxAddrs is the largest address count the 8-bit count field can carry.
const MaxAddrs = 255

// TypeAdvertisement is the only VRRP message type (RFC 3768 §5.3.2,
// RFC 5798 §5.2.2); anything else is discarded.
const TypeAdvertisement = 1

const (
	headerLen   = 8 // version/type .. checksum, identical in v2 and v3
	authDataLen = 8 // v2 only, present even with auth type 0
	csumOffset  = 6
)

// Sentinel errors let the daemon count drops per cause (keepalived keeps a
// counter for each) without matching strings. Decoding returns them
// without the offending value (see failed): under a flood of junk every
// packet fails, and wrapping each error with fmt.Errorf cost several
// allocations per packet (#16); the drop's reason is all the receive path
// keeps.
var (
	ErrTruncated   = errors.New("shorter than the VRRP header")
	ErrLength      = errors.New("address count does not match message length")
	ErrVersion     = errors.New("unsupported VRRP version")
	ErrType        = errors.New("not an advertisement")
	ErrVRID        = errors.New("VRID 0 is reserved")
	ErrAuthType    = errors.New("unknown authentication type")
	ErrAuthAH      = errors.New("IPsec AH authentication is not supported")
	ErrChecksum    = errors.New("bad checksum")
	ErrInterval    = errors.New("advertisement interval out of range")
	ErrFamily      = errors.New("address family mismatch")
	ErrAddrCount   = errors.New("too many addresses")
	ErrFormInvalid = errors.New("checksum form not valid for this version and family")
)

// decodeErr is a decode failure: a sentinel with the codec's context,
// built once, so that returning one allocates nothing.
type decodeErr struct{ err error }

func (e *decodeErr) Error() string { return "vrrp advert: " + e.err.Error() }
func (e *decodeErr) Unwrap() error { return e.err }

var decodeErrs = func() []*decodeErr {
	var out []*decodeErr
	for _, e := range []error{ErrTruncated, ErrLength, ErrVersion, ErrType, ErrVRID, ErrAuthType,
		ErrAuthAH, ErrChecksum, ErrInterval, ErrFamily} {
		out = append(out, &decodeErr{e})
	}
	return out
}()

// failed is the decoder's error for sentinel.
func failed(sentinel error) error {
	for _, e := range decodeErrs {
		if e.err == sentinel {
			return e
		}
	}
	return sentinel
}

// Advert is one VRRP advertisement, v2 or v3. It is meant to be reused:
// decoding overwrites it in place and keeps the addresses in a fixed array,
// so the receive path allocates nothing and a decoded advert never aliases
// anyone's VIP slice.
type Advert struct {
	Version  uint8 // 2 or 3
	VRID     uint8 // 1..255
	Priority uint8 // 0 = master resigning, 255 = address owner

	// Interval is the wire value: seconds (1..255) for v2, centiseconds
	// (1..4095, "Max Adver Int") for v3. IntervalDuration converts.
	Interval uint16

	// Reserved holds the 4 reserved bits of v3. RFC 5798 says to ignore
	// them on receive; they are kept so a decoded packet re-encodes to the
	// same bytes.
	Reserved uint8

	AuthType AuthType // v2 only; v3 has none and must leave it AuthNone
	AuthData [authDataLen]byte

	// Checksum is the value found by the last decode. Encoding ignores it
	// and computes a fresh one.
	Checksum uint16

	n     uint8
	addrs [MaxAddrs]netip.Addr
}

// Addrs returns the addresses in the advert. The slice is capped at its
// length so an append by the caller cannot scribble on the advert.
func (a *Advert) Addrs() []netip.Addr { return a.addrs[:a.n:a.n] }

// SetAddrs copies addrs into the advert.
func (a *Advert) SetAddrs(addrs []netip.Addr) error {
	if len(addrs) > MaxAddrs {
		return fmt.Errorf("vrrp advert: %d addresses: %w", len(addrs), ErrAddrCount)
	}
	a.n = uint8(copy(a.addrs[:], addrs))
	return nil
}

// Len is the length of the encoded message.
func (a *Advert) Len() int {
	alen := 4
	if a.n > 0 && a.addrs[0].Is6() {
		alen = 16
	}
	return wireLen(a.Version, alen, int(a.n))
}

func wireLen(version uint8, alen, n int) int {
	l := headerLen + n*alen
	if version == 2 {
		l += authDataLen
	}
	return l
}

// Equal reports whether a and b carry the same advert. The checksum is left
// out: 0x0000 and 0xffff are the same one's-complement value, so two valid
// encodings of one advert may differ there.
func (a *Advert) Equal(b *Advert) bool {
	if a.Version != b.Version || a.VRID != b.VRID || a.Priority != b.Priority ||
		a.Interval != b.Interval || a.Reserved != b.Reserved ||
		a.AuthType != b.AuthType || a.AuthData != b.AuthData || a.n != b.n {
		return false
	}
	for i := range int(a.n) {
		if a.addrs[i] != b.addrs[i] {
			return false
		}
	}
	return true
}

// Unmarshal decodes the VRRP message b into a. b must be exactly the IP
// payload (IPv4 total length minus header, IPv6 payload length minus
// extension headers): trailing bytes are an error because the count field
// and the length must agree (RFC 5798 §7.1). src and dst are the IP
// addresses of the packet; v3 needs them for the pseudo-header and the
// family decides the address size. It returns the checksum form that
// matched so the daemon can count peers using each form. After an error the
// contents of a are unspecified.
func (a *Advert) Unmarshal(b []byte, src, dst netip.Addr) (ChecksumForm, error) {
	return a.unmarshal(b, len(b), src, dst)
}

// unmarshal decodes the message in b[:end]; the checksum covers all of b
// (an IPv6 advert with an auth_hmac trailer, authhmac_rx.go).
func (a *Advert) unmarshal(sum []byte, end int, src, dst netip.Addr) (ChecksumForm, error) {
	b := sum[:end]
	src, dst = src.Unmap(), dst.Unmap()
	if !src.IsValid() || !dst.IsValid() || src.Is4() != dst.Is4() {
		return 0, failed(ErrFamily)
	}
	if len(b) < headerLen {
		return 0, failed(ErrTruncated)
	}
	ver, typ := b[0]>>4, b[0]&0x0f
	alen := 4
	switch {
	case ver == 2 && !src.Is4():
		return 0, failed(ErrVersion)
	case ver == 3 && src.Is6():
		alen = 16
	case ver != 2 && ver != 3:
		return 0, failed(ErrVersion)
	}
	if typ != TypeAdvertisement {
		return 0, failed(ErrType)
	}
	n := int(b[3])
	if want := wireLen(ver, alen, n); len(b) != want {
		return 0, failed(ErrLength)
	}
	form, err := verifyChecksum(sum, ver, src, dst)
	if err != nil {
		return 0, err
	}
	if b[1] == 0 {
		return 0, failed(ErrVRID)
	}
	if err := a.decodeFields(b, ver); err != nil {
		return 0, err
	}
	off := headerLen
	for i := range n {
		if alen == 4 {
			a.addrs[i] = netip.AddrFrom4([4]byte(b[off : off+4]))
		} else {
			a.addrs[i] = netip.AddrFrom16([16]byte(b[off : off+16]))
		}
		off += alen
	}
	a.n = uint8(n)
	return form, nil
}

// decodeFields fills the fixed fields after checking the ones whose values
// RFC 3768/5798 constrain.
func (a *Advert) decodeFields(b []byte, ver uint8) error {
	a.Version, a.VRID, a.Priority = ver, b[1], b[2]
	a.Checksum = binary.BigEndian.Uint16(b[csumOffset:])
	a.AuthType, a.AuthData, a.Reserved = AuthNone, [authDataLen]byte{}, 0
	if ver == 3 {
		a.Reserved = b[4] >> 4
		a.Interval = uint16(b[4]&0x0f)<<8 | uint16(b[5])
	} else {
		a.AuthType = AuthType(b[4])
		a.Interval = uint16(b[5])
		copy(a.AuthData[:], b[len(b)-authDataLen:])
		switch a.AuthType {
		case AuthNone, AuthPass:
		case AuthAH:
			return failed(ErrAuthAH)
		default:
			return failed(ErrAuthType)
		}
	}
	if a.Interval == 0 {
		return failed(ErrInterval)
	}
	return nil
}

// verifyChecksum accepts every form a conforming peer may use and reports
// which one matched: v3/IPv4 has three in the wild (see ChecksumForm).
func verifyChecksum(b []byte, ver uint8, src, dst netip.Addr) (ChecksumForm, error) {
	switch {
	case ver == 2:
		if checksum(b, src, dst, false) == 0 {
			return ChecksumPlain, nil
		}
	case src.Is6():
		if checksum(b, src, dst, true) == 0 {
			return ChecksumPseudo, nil
		}
	default:
		if checksum(b, src, dst, true) == 0 {
			return ChecksumPseudo, nil
		}
		if checksum(b, src, dst, false) == 0 {
			return ChecksumPlain, nil
		}
		if !dst.IsMulticast() && checksum(b, src, GroupIPv4, true) == 0 {
			return ChecksumOldUnicast, nil
		}
	}
	return 0, failed(ErrChecksum)
}
