package agentx

import (
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode: it must not panic, and what
// it accepts must survive Encode and Decode unchanged.
func FuzzDecode(f *testing.F) {
	for _, p := range []PDU{
		{Header: Header{Type: TypeGetNext}, Ranges: []SearchRange{{Start: OID{1, 3, 6, 1, 2, 1, 207}, Include: true}}},
		{Header: Header{Type: TypeResponse}, VarBinds: []VarBind{{Name: OID{1, 3, 6, 1, 2}, Type: IPAddress, Value: [4]byte{192, 0, 2, 1}}}},
		{Header: Header{Type: TypeRegister}, Context: []byte("c"), RangeSubID: 1, Subtree: OID{1, 3}},
		{Header: Header{Type: TypeGetBulk}, MaxRepetitions: 3},
	} {
		b, err := Encode(&p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Decode(b)
		if err != nil {
			return
		}
		out, err := Encode(p)
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", p, err)
		}
		q, err := Decode(out)
		if err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", out, err)
		}
		p.Flags, q.Flags = 0, 0
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip\n%+v\n%+v", p, q)
		}
	})
}
