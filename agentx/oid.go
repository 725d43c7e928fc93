package agentx

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// OID is an SNMP object identifier.
type OID []uint32

// ParseOID reads dotted decimal ("1.3.6.1.2.1.207", a leading dot allowed).
func ParseOID(s string) (OID, error) {
	s = strings.TrimPrefix(s, ".")
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ".")
	o := make(OID, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("oid %q: sub-identifier %d: %w", s, i+1, err)
		}
		o[i] = uint32(n)
	}
	return o, nil
}

// MustOID is ParseOID for constants.
func MustOID(s string) OID {
	o, err := ParseOID(s)
	if err != nil {
		panic(err)
	}
	return o
}

func (o OID) String() string {
	var b strings.Builder
	for i, n := range o {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(uint64(n), 10))
	}
	return b.String()
}

// Compare orders OIDs lexicographically, as SNMP walks them.
func (o OID) Compare(p OID) int { return slices.Compare(o, p) }

// HasPrefix tells whether o lies in the subtree p.
func (o OID) HasPrefix(p OID) bool { return len(o) >= len(p) && slices.Equal(o[:len(p)], p) }

// Append returns o followed by subs, never sharing o's array.
func (o OID) Append(subs ...uint32) OID {
	out := make(OID, 0, len(o)+len(subs))
	return append(append(out, o...), subs...)
}

// internet is the prefix AgentX abbreviates to one byte.
var internet = OID{1, 3, 6, 1}
