package agentx

import (
	"encoding/binary"
	"fmt"
)

// HeaderLen is the size of a PDU header.
const HeaderLen = 20

// Encode serializes p in network byte order (the flag is set whatever
// p.Flags says), with the payload length filled in.
func Encode(p *PDU) ([]byte, error) {
	b := make([]byte, HeaderLen, 64)
	flags := p.Flags | FlagNetworkByteOrder
	if p.Context != nil && hasContext(p.Type) {
		flags |= FlagNonDefaultContext
	} else {
		flags &^= FlagNonDefaultContext
	}
	b[0], b[1], b[2] = 1, byte(p.Type), flags
	binary.BigEndian.PutUint32(b[4:], p.SessionID)
	binary.BigEndian.PutUint32(b[8:], p.TransactionID)
	binary.BigEndian.PutUint32(b[12:], p.PacketID)
	if flags&FlagNonDefaultContext != 0 {
		b = putOctets(b, p.Context)
	}
	var err error
	switch p.Type {
	case TypeOpen:
		b = append(b, p.Timeout, 0, 0, 0)
		b = putOID(b, p.ID, false)
		b = putOctets(b, p.Descr)
	case TypeClose:
		b = append(b, byte(p.Reason), 0, 0, 0)
	case TypeRegister, TypeUnregister:
		t := p.Timeout
		if p.Type == TypeUnregister {
			t = 0
		}
		b = append(b, t, p.Priority, p.RangeSubID, 0)
		b = putOID(b, p.Subtree, false)
		if p.RangeSubID != 0 {
			b = binary.BigEndian.AppendUint32(b, p.UpperBound)
		}
	case TypeGetBulk:
		b = binary.BigEndian.AppendUint16(b, p.NonRepeaters)
		b = binary.BigEndian.AppendUint16(b, p.MaxRepetitions)
		fallthrough
	case TypeGet, TypeGetNext:
		for _, r := range p.Ranges {
			b = putOID(b, r.Start, r.Include)
			b = putOID(b, r.End, false)
		}
	case TypeResponse:
		b = binary.BigEndian.AppendUint32(b, p.SysUpTime)
		b = binary.BigEndian.AppendUint16(b, uint16(p.Error))
		b = binary.BigEndian.AppendUint16(b, p.Index)
		b, err = putVarBinds(b, p.VarBinds)
	case TypeNotify, TypeTestSet:
		b, err = putVarBinds(b, p.VarBinds)
	case TypePing, TypeCommitSet, TypeUndoSet, TypeCleanupSet:
	default:
		return nil, fmt.Errorf("agentx: encoding %v PDUs is not supported", p.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("agentx %v: %w", p.Type, err)
	}
	binary.BigEndian.PutUint32(b[16:], uint32(len(b)-HeaderLen))
	return b, nil
}

// putOID appends o, abbreviating 1.3.6.1.N with N < 256 to the prefix byte.
func putOID(b []byte, o OID, include bool) []byte {
	prefix := byte(0)
	if len(o) > len(internet) && o.HasPrefix(internet) && o[4] < 256 && o[4] != 0 {
		prefix, o = byte(o[4]), o[5:]
	}
	inc := byte(0)
	if include {
		inc = 1
	}
	b = append(b, byte(len(o)), prefix, inc, 0)
	for _, n := range o {
		b = binary.BigEndian.AppendUint32(b, n)
	}
	return b
}

func putOctets(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	b = append(b, s...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func putVarBinds(b []byte, vbs []VarBind) ([]byte, error) {
	for _, v := range vbs {
		b = binary.BigEndian.AppendUint16(b, uint16(v.Type))
		b = append(b, 0, 0)
		b = putOID(b, v.Name, false)
		var ok bool
		switch v.Type {
		case Integer:
			var n int32
			n, ok = v.Value.(int32)
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		case OctetString, Opaque:
			var s []byte
			s, ok = v.Value.([]byte)
			b = putOctets(b, s)
		case ObjectIdentifier:
			var o OID
			o, ok = v.Value.(OID)
			b = putOID(b, o, false)
		case IPAddress:
			var a [4]byte
			a, ok = v.Value.([4]byte)
			b = putOctets(b, a[:])
		case Counter32, Gauge32, TimeTicks:
			var n uint32
			n, ok = v.Value.(uint32)
			b = binary.BigEndian.AppendUint32(b, n)
		case Counter64:
			var n uint64
			n, ok = v.Value.(uint64)
			b = binary.BigEndian.AppendUint64(b, n)
		case Null, NoSuchObject, NoSuchInstance, EndOfMibView:
			ok = v.Value == nil
		}
		if !ok {
			return nil, fmt.Errorf("varbind %v: %v value %T", v.Name, v.Type, v.Value)
		}
	}
	return b, nil
}
