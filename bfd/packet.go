package bfd

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=State,Diag,TimerID,ActionKind -output=bfd_string.go

import (
	"errors"
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
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

// Decode reads a control packet and applies the checks of RFC 5880
// §6.8.6 that need no session: version 1, length within the datagram,
// nonzero detect multiplier and My Discriminator, no multipoint bit, Your
// Discriminator zero only in Down/AdminDown, not both Poll and Final.
func Decode(b []byte) (Packet, error) {
	var l layers.BFD
	if len(b) < HeaderLen {
		return Packet{}, fmt.Errorf("%d bytes: %w", len(b), ErrShort)
	}
	if err := l.DecodeFromBytes(b, gopacket.NilDecodeFeedback); err != nil {
		return Packet{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if l.AuthPresent {
		return Packet{}, ErrAuth
	}
	p := Packet{
		Diag: Diag(l.Diagnostic), State: State(l.State), Poll: l.Poll, Final: l.Final,
		CPI: l.ControlPlaneIndependent, Demand: l.Demand, DetectMult: uint8(l.DetectMultiplier),
		MyDisc: uint32(l.MyDiscriminator), YourDisc: uint32(l.YourDiscriminator),
		MinTx: uint32(l.DesiredMinTxInterval), MinRx: uint32(l.RequiredMinRxInterval),
		MinEchoRx: uint32(l.RequiredMinEchoRxInterval),
	}
	if why := p.check(uint8(l.Version), l.Multipoint, b[3]); why != "" {
		return Packet{}, fmt.Errorf("%w: %s", ErrInvalid, why)
	}
	return p, nil
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
	l := layers.BFD{
		Version: 1, Diagnostic: layers.BFDDiagnostic(p.Diag), State: layers.BFDState(p.State),
		Poll: p.Poll, Final: p.Final, ControlPlaneIndependent: p.CPI, Demand: p.Demand,
		DetectMultiplier: layers.BFDDetectMultiplier(p.DetectMult),
		MyDiscriminator:  layers.BFDDiscriminator(p.MyDisc), YourDiscriminator: layers.BFDDiscriminator(p.YourDisc),
		DesiredMinTxInterval:      layers.BFDTimeInterval(p.MinTx),
		RequiredMinRxInterval:     layers.BFDTimeInterval(p.MinRx),
		RequiredMinEchoRxInterval: layers.BFDTimeInterval(p.MinEchoRx),
	}
	buf := gopacket.NewSerializeBufferExpectedSize(HeaderLen, 0)
	// A layer without authentication always serializes.
	_ = l.SerializeTo(buf, gopacket.SerializeOptions{})
	return buf.Bytes()
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
