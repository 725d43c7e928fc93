package vrrp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"net/netip"
	"time"
)

// hmacKeys holds one keyed HMAC-SHA256 per configured key, reset and
// reused for every advert: one instance hashes two blocks per advert and
// allocates nothing.
type hmacKeys map[uint8]hash.Hash

func newHMACKeys(c *AuthHMAC) hmacKeys {
	ks := make(hmacKeys, len(c.Keys))
	for _, k := range c.Keys {
		if len(k.Secret) > 0 { // a masked key (a --dump-conf printout read back) never verifies
			ks[k.ID] = hmac.New(sha256.New, k.Secret)
		}
	}
	return ks
}

// tag computes the 128-bit tag of an advert: pdu is the VRRP message and
// trailer its 28-byte trailer; the checksum field and the tag are read as
// zero, so the sender may fill either afterwards and the kernel may write
// an IPv6 checksum. out receives the tag.
func (ks hmacKeys) tag(out []byte, id uint8, src netip.Addr, pdu, trailer []byte) bool {
	h := ks[id]
	if h == nil || len(pdu) < headerLen || len(trailer) != TrailerLen {
		return false
	}
	var pseudo [hmacPseudoLen]byte
	pseudo[0], pseudo[1], pseudo[2] = 4, pdu[0]>>4, pdu[1]
	if src.Is6() {
		pseudo[0] = 6
		a := src.As16()
		copy(pseudo[4:], a[:])
	} else {
		a := src.As4()
		copy(pseudo[4:], a[:])
	}
	var zero [hmacTagLen]byte
	h.Reset()
	h.Write(pseudo[:])
	h.Write(pdu[:csumOffset])
	h.Write(zero[:2])
	h.Write(pdu[csumOffset+2:])
	h.Write(trailer[:hmacTagOffset])
	h.Write(zero[:])
	var sum [sha256.Size]byte
	copy(out, h.Sum(sum[:0])[:hmacTagLen])
	return true
}

// HMACSigner signs an instance's adverts. It is not safe for concurrent
// use; the daemon sends from its event loop.
type HMACSigner struct {
	keys      hmacKeys
	active    uint8
	monotonic bool
	window    time.Duration
	last      uint64 // the last sequence sent
}

// NewHMACSigner returns the signer for an instance, or nil when it sends
// no trailer (no auth_hmac, or receive-only).
func NewHMACSigner(c *AuthHMAC, advertInt time.Duration) (*HMACSigner, error) {
	if !c.Signs() {
		return nil, nil
	}
	if k := c.Key(c.ActiveKey); k == nil || len(k.Secret) == 0 {
		return nil, fmt.Errorf("auth_hmac active_key %d is not defined or has no key material", c.ActiveKey)
	}
	return &HMACSigner{keys: newHMACKeys(c), active: c.ActiveKey, monotonic: c.Monotonic,
		window: c.EffectiveWindow(advertInt)}, nil
}

// next is the larger of the clock and the last sequence plus one, so the
// sequence grows even when the clock does not. In time mode a sequence
// stranded beyond the window by a clock stepped back restarts from the
// clock: receivers would reject it as stale anyway.
func (s *HMACSigner) next(now time.Time) uint64 {
	clk := clockSeq(now)
	switch {
	case seqAfter(clk, s.last):
		s.last = clk
	case !s.monotonic && int64(int32(uint32(s.last>>32)-uint32(clk>>32))) > int64(s.window/time.Second):
		s.last = clk
	default:
		s.last++
	}
	return s.last
}

// AppendSigned is AppendTo followed by the auth_hmac trailer when s is not
// nil. src must be the source address the packet will carry: the tag
// binds it. The IPv6 checksum covers the trailer (the kernel's
// IPV6_CHECKSUM sums the whole payload, and that is what keepalived's
// receivers check); the IPv4 one covers the VRRP message only.
func (a *Advert) AppendSigned(b []byte, src, dst netip.Addr, form ChecksumForm, s *HMACSigner, now time.Time) ([]byte, error) {
	start := len(b)
	b, err := a.AppendTo(b, src, dst, form)
	if err != nil || s == nil {
		return b, err
	}
	src, dst = src.Unmap(), dst.Unmap()
	t := Trailer{Type: HMACTypeSHA256, KeyID: s.active, Seq: s.next(now)}
	pduEnd := len(b)
	b = t.AppendTo(b)
	if !s.keys.tag(b[pduEnd+hmacTagOffset:], s.active, src, b[start:pduEnd], b[pduEnd:]) {
		return b[:start], fmt.Errorf("vrrp advert VRID %d: auth_hmac key %d missing", a.VRID, s.active)
	}
	if src.Is6() {
		msg := b[start:]
		binary.BigEndian.PutUint16(msg[csumOffset:], 0)
		binary.BigEndian.PutUint16(msg[csumOffset:], checksum(msg, src, dst, true))
	}
	return b, nil
}
