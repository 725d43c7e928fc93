package vrrp

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// keepalived 2.4's auth_hmac (draft-cassen-vrrp-auth-hmac) is the first
// VRRP authentication in years that protects anything: PASS sends the
// password in clear and AH was dropped from RFC 5798. A 28-byte trailer
// after the VRRP message carries a key id, a 64-bit time-based sequence
// number and an HMAC-SHA256 tag truncated to 128 bits. The tag covers a
// pseudo-header (family, version, VRID, source address), the message with
// its checksum field read as zero, and the trailer with its tag read as
// zero; so a captured advert cannot be spliced into another instance,
// claimed by another sender or replayed. Sequence numbers grow strictly
// per sender and, in time mode, must lie within a freshness window of the
// receiver's clock.

// TrailerLen is the size of the auth_hmac trailer.
const TrailerLen = 28

// HMACTypeSHA256 is the trailer's scheme id for HMAC-SHA256 truncated to
// 128 bits, the only one keepalived 2.4 defines.
const HMACTypeSHA256 = 1

const (
	hmacTagLen    = 16
	hmacTagOffset = TrailerLen - hmacTagLen
	hmacPseudoLen = 20

	// HMACKeyMin and HMACKeyMax bound a key's length in bytes (keepalived's
	// limits: 32 bytes keep a 128-bit margin against quantum search).
	HMACKeyMin = 32
	HMACKeyMax = 64
	// HMACWindowMax is the longest freshness window, in seconds.
	HMACWindowMax = 300
	// hmacWindowFloor is the shortest window derived from advert_int.
	hmacWindowFloor = 5
)

// HMACMode is auth_hmac's rollout mode. A group moves from no
// authentication to enforce in three hitless sweeps: receive-only (verify
// what is signed, sign nothing), permissive (sign, still accept unsigned)
// and enforce (accept only valid trailers).
type HMACMode uint8

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -type=HMACMode -linecomment

const (
	HMACEnforce     HMACMode = iota // enforce
	HMACPermissive                  // permissive
	HMACReceiveOnly                 // receive-only
)

// HMACSecret is key material. Its String, GoString, LogValue and JSON forms
// are masked so a key never reaches a log line, a dump or API output by
// accident, as auth_pass is masked.
type HMACSecret []byte

const maskedSecret = "****"

func (HMACSecret) String() string               { return maskedSecret }
func (HMACSecret) GoString() string             { return maskedSecret }
func (HMACSecret) LogValue() slog.Value         { return slog.StringValue(maskedSecret) }
func (HMACSecret) MarshalJSON() ([]byte, error) { return json.Marshal(maskedSecret) }
func (HMACSecret) MarshalText() ([]byte, error) { return []byte(maskedSecret), nil }
func (s HMACSecret) Format(f fmt.State, _ rune) { fmt.Fprint(f, maskedSecret) }

// HMACKey is one configured key, selected on the wire by its id.
type HMACKey struct {
	ID     uint8 // 1..255
	Secret HMACSecret
	// Source is how the key was given ("inline", or the file it was read
	// from), for dumps that must say where a key came from without it.
	Source string
}

// AuthHMAC is an instance's auth_hmac block.
type AuthHMAC struct {
	Keys      []HMACKey
	ActiveKey uint8 // the key id used when sending
	Mode      HMACMode
	// Monotonic is `anti_replay monotonic`: sequences need only grow, no
	// clock window (keepalived's default is time).
	Monotonic bool
	// Window is the freshness window in whole seconds (time mode); 0 means
	// derived from advert_int (EffectiveWindow).
	Window time.Duration
}

// EffectiveWindow is time_window, or keepalived's default of three advert
// intervals (whole seconds) but at least 5 s and at most 300 s.
func (c *AuthHMAC) EffectiveWindow(advertInt time.Duration) time.Duration {
	if c.Window > 0 {
		return c.Window
	}
	w := 3 * (advertInt / time.Second)
	return min(max(w, hmacWindowFloor), HMACWindowMax) * time.Second
}

// Key returns the key with id, or nil.
func (c *AuthHMAC) Key(id uint8) *HMACKey {
	for i := range c.Keys {
		if c.Keys[i].ID == id {
			return &c.Keys[i]
		}
	}
	return nil
}

// Signs reports whether adverts carry a trailer in this mode.
func (c *AuthHMAC) Signs() bool { return c != nil && c.Mode != HMACReceiveOnly }

// Trailer is the decoded auth_hmac trailer.
type Trailer struct {
	Type     uint8
	KeyID    uint8
	Reserved uint16
	// Seq is the 64-bit sequence number: UTC seconds in the top 32 bits,
	// a 1/65536 s fraction in the next 16, a counter in the low 16.
	Seq uint64
	Tag [hmacTagLen]byte
}

// Errors of DecodeTrailer.
var (
	ErrTrailerLen  = errors.New("auth_hmac trailer is not 28 bytes")
	ErrTrailerType = errors.New("auth_hmac trailer: unknown scheme or reserved bits set")
)

// DecodeTrailer reads a trailer from exactly TrailerLen bytes of outside
// input.
func DecodeTrailer(b []byte) (Trailer, error) {
	var t Trailer
	if len(b) != TrailerLen {
		return t, fmt.Errorf("%d bytes: %w", len(b), ErrTrailerLen)
	}
	t.Type, t.KeyID = b[0], b[1]
	t.Reserved = binary.BigEndian.Uint16(b[2:])
	t.Seq = binary.BigEndian.Uint64(b[4:])
	copy(t.Tag[:], b[hmacTagOffset:])
	if t.Type != HMACTypeSHA256 || t.Reserved != 0 {
		return t, fmt.Errorf("type %d reserved %#x: %w", t.Type, t.Reserved, ErrTrailerType)
	}
	return t, nil
}

// AppendTo appends the wire form of t.
func (t *Trailer) AppendTo(b []byte) []byte {
	b = append(b, t.Type, t.KeyID)
	b = binary.BigEndian.AppendUint16(b, t.Reserved)
	b = binary.BigEndian.AppendUint64(b, t.Seq)
	return append(b, t.Tag[:]...)
}

// Seconds is the trailer timestamp's whole seconds.
func (t *Trailer) Seconds() uint32 { return uint32(t.Seq >> 32) }

// clockSeq packs a wall-clock reading into a sequence with the counter
// cleared.
func clockSeq(now time.Time) uint64 {
	frac := uint64(now.Nanosecond()) << 16 / uint64(time.Second)
	return uint64(uint32(now.Unix()))<<32 | frac<<16
}

// seqAfter is RFC 1982 serial-number order over 64 bits, so the sequence
// survives its seconds field wrapping in 2106.
func seqAfter(a, b uint64) bool { return int64(a-b) > 0 }
