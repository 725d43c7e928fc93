package bfd

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=State,Diag,TimerID,ActionKind -output=bfd_string.go

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// State is a session state as carried in the Sta field (RFC 5880 §4.1).
type State uint8

// The four session states, with their wire values.
const (
	AdminDown State = iota // AdminDown
	Down                   // Down
	Init                   // Init
	Up                     // Up
)

// Diag is the diagnostic code explaining the last change of state.
type Diag uint8

// The diagnostic codes of RFC 5880 §4.1 that this implementation sends or
// may receive.
const (
	DiagNone           Diag = iota // none
	DiagDetectExpired              // detection-time-expired
	DiagEchoFailed                 // echo-failed
	DiagNeighborDown               // neighbor-signaled-down
	DiagFwdReset                   // forwarding-plane-reset
	DiagPathDown                   // path-down
	DiagConcatPathDown             // concatenated-path-down
	DiagAdminDown                  // administratively-down
	DiagRevConcatDown              // reverse-concatenated-path-down
	numDiags
)

// HeaderLen is the length of a control packet without authentication.
const HeaderLen = 24

// Packet is one BFD control packet. Intervals are in microseconds, as on
// the wire.
type Packet struct {
	Diag       Diag
	State      State
	Poll       bool
	Final      bool
	CPI        bool // control plane independent
	Demand     bool
	DetectMult uint8
	MyDisc     uint32
	YourDisc   uint32
	MinTx      uint32 // Desired Min TX Interval
	MinRx      uint32 // Required Min RX Interval
	MinEchoRx  uint32 // Required Min Echo RX Interval
}

// Errors Decode wraps, so that a receiver can count discards by cause.
var (
	ErrShort   = errors.New("shorter than a control packet")
	ErrInvalid = errors.New("invalid control packet")
	ErrAuth    = errors.New("authentication section present: authentication is not supported")
)

// The bits of the second byte (RFC 5880 §4.1: Sta, then P F C A D M).
const (
	bitPoll       = 0x20
	bitFinal      = 0x10
	bitCPI        = 0x08
	bitAuth       = 0x04
	bitDemand     = 0x02
	bitMultipoint = 0x01
)

// Decode reads a control packet and applies the checks of RFC 5880
// §6.8.6 that need no session: version 1, length within the datagram,
// nonzero detect multiplier and My Discriminator, no multipoint bit, Your
// Discriminator zero only in Down/AdminDown, not both Poll and Final.
// Bytes after the Length field's end are not part of the packet.
func Decode(b []byte) (Packet, error) {
	if len(b) < HeaderLen {
		return Packet{}, fmt.Errorf("%d bytes: %w", len(b), ErrShort)
	}
	length := int(b[3])
	switch {
	case length < HeaderLen:
		return Packet{}, fmt.Errorf("%w: length %d too small", ErrInvalid, length)
	case length > len(b):
		return Packet{}, fmt.Errorf("%w: length %d beyond the %d-byte datagram", ErrInvalid, length, len(b))
	}
	if b[1]&bitAuth != 0 {
		if why := authTruncated(b[HeaderLen:length]); why != "" {
			return Packet{}, fmt.Errorf("%w: %s", ErrInvalid, why)
		}
		return Packet{}, ErrAuth
	}
	p := Packet{
		Diag: Diag(b[0] & 0x1f), State: State(b[1] >> 6), Poll: b[1]&bitPoll != 0, Final: b[1]&bitFinal != 0,
		CPI: b[1]&bitCPI != 0, Demand: b[1]&bitDemand != 0, DetectMult: b[2],
		MyDisc: binary.BigEndian.Uint32(b[4:]), YourDisc: binary.BigEndian.Uint32(b[8:]),
		MinTx: binary.BigEndian.Uint32(b[12:]), MinRx: binary.BigEndian.Uint32(b[16:]),
		MinEchoRx: binary.BigEndian.Uint32(b[20:]),
	}
	if why := p.check(b[0]>>5, b[1]&bitMultipoint != 0, b[3]); why != "" {
		return Packet{}, fmt.Errorf("%w: %s", ErrInvalid, why)
	}
	return p, nil
}

// authTruncated says why an authentication section is malformed, or ""
// when it is whole enough to be refused as authentication: a keyed MD5 or
// SHA1 section (types 2–5, RFC 5880 §4.3–4.4) must carry its reserved
// byte and sequence number after type, length and key ID. Such a packet
// is counted as invalid, not as unsupported authentication.
func authTruncated(sec []byte) string {
	if len(sec) < 3 {
		return ""
	}
	if t := sec[0]; t >= 2 && t <= 5 && len(sec)-3 < 5 {
		return "authentication section too short"
	}
	return ""
}

func (p Packet) check(version uint8, multipoint bool, length uint8) string {
	switch {
	case version != 1:
		return fmt.Sprintf("version %d, want 1", version)
	case length != HeaderLen:
		return fmt.Sprintf("length %d without authentication, want %d", length, HeaderLen)
	case p.DetectMult == 0:
		return "detect multiplier 0"
	case multipoint:
		return "multipoint bit set"
	case p.MyDisc == 0:
		return "my discriminator 0"
	case p.YourDisc == 0 && p.State != Down && p.State != AdminDown:
		return fmt.Sprintf("your discriminator 0 in state %s", p.State)
	case p.Poll && p.Final:
		return "both poll and final set"
	case p.Diag >= numDiags:
		return fmt.Sprintf("diagnostic %d unknown", p.Diag)
	}
	return ""
}

// Marshal returns the packet's 24 bytes.
func (p Packet) Marshal() []byte {
	b := make([]byte, HeaderLen)
	b[0] = 1<<5 | byte(p.Diag)
	b[1] = byte(p.State) << 6
	for _, f := range []struct {
		set bool
		bit byte
	}{{p.Poll, bitPoll}, {p.Final, bitFinal}, {p.CPI, bitCPI}, {p.Demand, bitDemand}} {
		if f.set {
			b[1] |= f.bit
		}
	}
	b[2], b[3] = p.DetectMult, HeaderLen
	binary.BigEndian.PutUint32(b[4:], p.MyDisc)
	binary.BigEndian.PutUint32(b[8:], p.YourDisc)
	binary.BigEndian.PutUint32(b[12:], p.MinTx)
	binary.BigEndian.PutUint32(b[16:], p.MinRx)
	binary.BigEndian.PutUint32(b[20:], p.MinEchoRx)
	return b
}

// String is the packet as the scenario goldens and debug logs show it.
func (p Packet) String() string {
	s := fmt.Sprintf("state=%s diag=%s my=%d your=%d mult=%d tx=%s rx=%s", p.State, p.Diag,
		p.MyDisc, p.YourDisc, p.DetectMult, usString(p.MinTx), usString(p.MinRx))
	if p.Poll {
		s += " P"
	}
	if p.Final {
		s += " F"
	}
	if p.Demand {
		s += " D"
	}
	return s
}
