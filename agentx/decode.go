package agentx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// MaxPayload bounds a PDU's payload: a master agent's PDUs are small, and
// a larger length is a broken or hostile peer, not a reason to allocate.
const MaxPayload = 1 << 20

// errShort is a payload that ends inside a field.
var errShort = errors.New("truncated")

// ParseHeader reads the header at the start of b (at least HeaderLen
// bytes) and returns it with the payload length.
func ParseHeader(b []byte) (Header, uint32, error) {
	if len(b) < HeaderLen {
		return Header{}, 0, fmt.Errorf("agentx header: %w", errShort)
	}
	if b[0] != 1 {
		return Header{}, 0, fmt.Errorf("agentx header: version %d, want 1", b[0])
	}
	var o binary.ByteOrder = binary.LittleEndian
	if b[2]&FlagNetworkByteOrder != 0 {
		o = binary.BigEndian
	}
	h := Header{Type: Type(b[1]), Flags: b[2], SessionID: o.Uint32(b[4:]), TransactionID: o.Uint32(b[8:]), PacketID: o.Uint32(b[12:])}
	n := o.Uint32(b[16:])
	if n > MaxPayload {
		return h, 0, fmt.Errorf("agentx %v: payload of %d bytes exceeds %d", h.Type, n, MaxPayload)
	}
	if n%4 != 0 {
		return h, 0, fmt.Errorf("agentx %v: payload length %d is not a multiple of 4", h.Type, n)
	}
	return h, n, nil
}

// Read reads one whole PDU from r.
func Read(r io.Reader) (*PDU, error) {
	var hb [HeaderLen]byte
	if _, err := io.ReadFull(r, hb[:]); err != nil {
		return nil, err
	}
	_, n, err := ParseHeader(hb[:])
	if err != nil {
		return nil, err
	}
	b := make([]byte, HeaderLen+int(n))
	copy(b, hb[:])
	if _, err := io.ReadFull(r, b[HeaderLen:]); err != nil {
		return nil, fmt.Errorf("agentx payload: %w", err)
	}
	return Decode(b)
}

// Decode parses one PDU that fills b exactly.
func Decode(b []byte) (*PDU, error) {
	h, n, err := ParseHeader(b)
	if err != nil {
		return nil, err
	}
	if int(n) != len(b)-HeaderLen {
		return nil, fmt.Errorf("agentx %v: payload length %d, %d bytes follow the header", h.Type, n, len(b)-HeaderLen)
	}
	d := decoder{b: b[HeaderLen:], o: binary.LittleEndian}
	if h.Flags&FlagNetworkByteOrder != 0 {
		d.o = binary.BigEndian
	}
	p := &PDU{Header: h}
	if err := d.pdu(p); err != nil {
		return nil, fmt.Errorf("agentx %v (packet %d): %w", h.Type, h.PacketID, err)
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("agentx %v (packet %d): %d bytes after the last field", h.Type, h.PacketID, len(d.b))
	}
	return p, nil
}

type decoder struct {
	b   []byte
	o   binary.ByteOrder
	err error
}

func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b) < n {
		d.err = errShort
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) u8() byte {
	if s := d.take(1); s != nil {
		return s[0]
	}
	return 0
}

func (d *decoder) u16() uint16 {
	if s := d.take(2); s != nil {
		return d.o.Uint16(s)
	}
	return 0
}

func (d *decoder) u32() uint32 {
	if s := d.take(4); s != nil {
		return d.o.Uint32(s)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if s := d.take(8); s != nil {
		return d.o.Uint64(s)
	}
	return 0
}

func (d *decoder) octets() []byte {
	n := d.u32()
	if d.err == nil && uint64(n) > uint64(len(d.b)) {
		d.err = fmt.Errorf("octet string of %d bytes: %w", n, errShort)
	}
	s := d.take(int(n))
	d.take((4 - int(n)%4) % 4)
	if s == nil {
		return nil
	}
	return append([]byte{}, s...)
}

func (d *decoder) oid() (OID, bool) {
	hd := d.take(4)
	if hd == nil {
		return nil, false
	}
	n, prefix, include := int(hd[0]), hd[1], hd[2] != 0
	if n > 128 {
		d.err = fmt.Errorf("oid of %d sub-identifiers exceeds 128", n)
		return nil, false
	}
	var o OID
	if prefix != 0 {
		o = append(o, 1, 3, 6, 1, uint32(prefix))
	}
	for range n {
		o = append(o, d.u32())
	}
	return o, include
}

func (d *decoder) pdu(p *PDU) error {
	if p.Flags&FlagNonDefaultContext != 0 {
		if !hasContext(p.Type) {
			return fmt.Errorf("context flag on a PDU that has none")
		}
		p.Context = d.octets()
	}
	switch p.Type {
	case TypeOpen:
		p.Timeout = d.u8()
		d.take(3)
		p.ID, _ = d.oid()
		p.Descr = d.octets()
	case TypeClose:
		p.Reason = CloseReason(d.u8())
		d.take(3)
	case TypeRegister, TypeUnregister:
		p.Timeout, p.Priority, p.RangeSubID = d.u8(), d.u8(), d.u8()
		if p.Type == TypeUnregister {
			p.Timeout = 0
		}
		d.take(1)
		p.Subtree, _ = d.oid()
		if p.RangeSubID != 0 {
			if int(p.RangeSubID) > len(p.Subtree) {
				return fmt.Errorf("range_subid %d beyond a subtree of %d", p.RangeSubID, len(p.Subtree))
			}
			p.UpperBound = d.u32()
		}
	case TypeGetBulk:
		p.NonRepeaters, p.MaxRepetitions = d.u16(), d.u16()
		fallthrough
	case TypeGet, TypeGetNext:
		for d.err == nil && len(d.b) > 0 {
			var r SearchRange
			r.Start, r.Include = d.oid()
			r.End, _ = d.oid()
			p.Ranges = append(p.Ranges, r)
		}
	case TypeResponse:
		p.SysUpTime, p.Error, p.Index = d.u32(), Error(d.u16()), d.u16()
		p.VarBinds = d.varBinds()
	case TypeNotify, TypeTestSet:
		p.VarBinds = d.varBinds()
	case TypePing, TypeCommitSet, TypeUndoSet, TypeCleanupSet:
	default:
		return fmt.Errorf("unknown PDU type %d", p.Type)
	}
	return d.err
}

func (d *decoder) varBinds() []VarBind {
	var vbs []VarBind
	for d.err == nil && len(d.b) > 0 {
		v := VarBind{Type: VarType(d.u16())}
		d.take(2)
		v.Name, _ = d.oid()
		switch v.Type {
		case Integer:
			v.Value = int32(d.u32())
		case OctetString, Opaque:
			v.Value = d.octets()
		case ObjectIdentifier:
			v.Value, _ = d.oid()
		case IPAddress:
			s := d.octets()
			if d.err == nil && len(s) != 4 {
				d.err = fmt.Errorf("varbind %v: IpAddress of %d bytes", v.Name, len(s))
			}
			var a [4]byte
			copy(a[:], s)
			v.Value = a
		case Counter32, Gauge32, TimeTicks:
			v.Value = d.u32()
		case Counter64:
			v.Value = d.u64()
		case Null, NoSuchObject, NoSuchInstance, EndOfMibView:
		default:
			d.err = fmt.Errorf("varbind %v: unknown type %d", v.Name, v.Type)
		}
		vbs = append(vbs, v)
	}
	return vbs
}
