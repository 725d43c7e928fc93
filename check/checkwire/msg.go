package checkwire

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/check"
)

// ErrPayload is a payload that does not decode as its type says.
var ErrPayload = errors.New("checkwire: bad payload")

func short(t Type, n int) error { return fmt.Errorf("%w: %s of %d bytes", ErrPayload, t, n) }

// AppendHello encodes a Hello.
func AppendHello(b []byte, version uint16) []byte { return binary.BigEndian.AppendUint16(b, version) }

// ParseHello decodes a Hello.
func ParseHello(p []byte) (version uint16, err error) {
	if len(p) != 2 {
		return 0, short(Hello, len(p))
	}
	return binary.BigEndian.Uint16(p), nil
}

// Spec is what the helper needs of a checker to run it: the connection
// options and the HTTP_GET / SSL_GET keywords, with the SSL {} block.
type Spec struct {
	Kind           check.Kind
	Real           netip.AddrPort
	FWMark         uint32              `json:",omitempty"`
	Addrs          *check.ConnAddrs    `json:",omitempty"`
	ConnectPort    uint16              `json:",omitempty"`
	BindPort       uint16              `json:",omitempty"`
	ConnectTimeout time.Duration       `json:",omitempty"`
	HTTP           *check.HTTPSettings `json:",omitempty"`
}

// SpecOf is c's Spec.
func SpecOf(c check.Checker) Spec {
	return Spec{Kind: c.Kind, Real: c.Target.Real, FWMark: c.FWMark, Addrs: c.Addrs, ConnectPort: c.ConnectPort,
		BindPort: c.BindPort, ConnectTimeout: c.ConnectTimeout, HTTP: c.HTTP()}
}

// Checker is the checker s describes (the fields a prober reads).
func (s Spec) Checker() check.Checker {
	c := check.Checker{Kind: s.Kind, Target: check.Target{Real: s.Real}, FWMark: s.FWMark, Addrs: s.Addrs,
		ConnectPort: s.ConnectPort, BindPort: s.BindPort, ConnectTimeout: s.ConnectTimeout}
	if s.HTTP != nil {
		c.Settings = s.HTTP
	}
	return c
}

// AppendAdd encodes an Add: the checker's id, then its Spec in JSON.
func AppendAdd(b []byte, id uint32, s Spec) ([]byte, error) {
	j, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("checkwire: encode settings: %w", err)
	}
	return append(binary.BigEndian.AppendUint32(b, id), j...), nil
}

// ParseAdd decodes an Add.
func ParseAdd(p []byte) (id uint32, s Spec, err error) {
	if len(p) < 4 {
		return 0, s, short(Add, len(p))
	}
	if err := json.Unmarshal(p[4:], &s); err != nil {
		return 0, s, fmt.Errorf("%w: Add: %v", ErrPayload, err)
	}
	return binary.BigEndian.Uint32(p), s, nil
}

// AppendAdded encodes an Added: the id and why the checker was refused.
func AppendAdded(b []byte, id uint32, refused string) []byte {
	return append(binary.BigEndian.AppendUint32(b, id), refused...)
}

// ParseAdded decodes an Added.
func ParseAdded(p []byte) (id uint32, refused string, err error) {
	if len(p) < 4 {
		return 0, "", short(Added, len(p))
	}
	return binary.BigEndian.Uint32(p), string(p[4:]), nil
}

// AppendDrop encodes a Drop.
func AppendDrop(b []byte, id uint32) []byte { return binary.BigEndian.AppendUint32(b, id) }

// ParseDrop decodes a Drop.
func ParseDrop(p []byte) (id uint32, err error) {
	if len(p) != 4 {
		return 0, short(Drop, len(p))
	}
	return binary.BigEndian.Uint32(p), nil
}

// ProbeMsg asks for one attempt of checker ID, answered by the Result of
// the same Seq. Deadline bounds it (Unix nanoseconds; the two processes
// share the clock).
type ProbeMsg struct {
	ID       uint32
	Seq      uint64
	Deadline int64
}

const probeLen = 4 + 8 + 8

// AppendProbe encodes a Probe.
func AppendProbe(b []byte, m ProbeMsg) []byte {
	b = binary.BigEndian.AppendUint32(b, m.ID)
	b = binary.BigEndian.AppendUint64(b, m.Seq)
	return binary.BigEndian.AppendUint64(b, uint64(m.Deadline))
}

// ParseProbe decodes a Probe.
func ParseProbe(p []byte) (ProbeMsg, error) {
	if len(p) != probeLen {
		return ProbeMsg{}, short(Probe, len(p))
	}
	return ProbeMsg{ID: binary.BigEndian.Uint32(p), Seq: binary.BigEndian.Uint64(p[4:]),
		Deadline: int64(binary.BigEndian.Uint64(p[12:]))}, nil
}

// Result flags.
const (
	flagUp = 1 << iota
	flagWeightSet
	flagNoVerdict
	flagsKnown = flagUp | flagWeightSet | flagNoVerdict
)

const resultHead = 8 + 1 + 1 + 4 + 4

// AppendResult encodes the Result of attempt seq: every field of o.
func AppendResult(b []byte, seq uint64, o check.Outcome) []byte {
	var flags byte
	if o.Up {
		flags |= flagUp
	}
	if o.WeightSet {
		flags |= flagWeightSet
	}
	if o.NoVerdict {
		flags |= flagNoVerdict
	}
	b = binary.BigEndian.AppendUint64(b, seq)
	b = append(b, flags, byte(o.Fail))
	b = binary.BigEndian.AppendUint32(b, uint32(clamp32(o.Weight)))
	b = binary.BigEndian.AppendUint32(b, uint32(clamp32(o.WeightDelta)))
	return append(b, o.Reason...)
}

func clamp32(v int) int32 { return int32(max(math.MinInt32, min(math.MaxInt32, v))) }

// ParseResult decodes a Result.
func ParseResult(p []byte) (seq uint64, o check.Outcome, err error) {
	if len(p) < resultHead {
		return 0, o, short(Result, len(p))
	}
	flags, fail := p[8], check.Failure(p[9])
	if flags&^flagsKnown != 0 || !fail.Valid() {
		return 0, o, fmt.Errorf("%w: Result flags %#x, failure %d", ErrPayload, flags, fail)
	}
	o = check.Outcome{Up: flags&flagUp != 0, WeightSet: flags&flagWeightSet != 0, NoVerdict: flags&flagNoVerdict != 0,
		Fail: fail, Weight: int(int32(binary.BigEndian.Uint32(p[10:]))), WeightDelta: int(int32(binary.BigEndian.Uint32(p[14:]))),
		Reason: string(p[resultHead:])}
	return binary.BigEndian.Uint64(p), o, nil
}
