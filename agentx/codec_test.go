package agentx

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
)

// unhex reads hex with spaces and newlines for readability.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The PDUs a sub-agent sends, against bytes written from RFC 2741 §6.
func TestEncode(t *testing.T) {
	cases := []struct {
		name string
		p    PDU
		want string
	}{
		{"open", PDU{Header: Header{Type: TypeOpen, PacketID: 1}, Timeout: 5, ID: MustOID("1.3.6.1.4.1.9586.100.5"), Descr: []byte("govrrpd")},
			`01011000 00000000 00000000 00000001 00000024
			 05000000 04040000 00000001 00002572 00000064 00000005
			 00000007 676f7672 72706400`},
		{"register with range", PDU{Header: Header{Type: TypeRegister, SessionID: 7, PacketID: 2}, Timeout: 0, Priority: 127,
			RangeSubID: 6, Subtree: MustOID("1.3.6.1.2.1.68"), UpperBound: 9},
			`01031000 00000007 00000000 00000002 00000014
			 007f0600 02020000 00000001 00000044 00000009`},
		{"register in a context", PDU{Header: Header{Type: TypeRegister, PacketID: 3}, Context: []byte("ab"), Priority: 127, Subtree: OID{1, 2}},
			`01031800 00000000 00000000 00000003 00000018
			 00000002 61620000 007f0000 02000000 00000001 00000002`},
		{"response", PDU{Header: Header{Type: TypeResponse, SessionID: 7, TransactionID: 4, PacketID: 9}, SysUpTime: 0, Error: NoError,
			VarBinds: []VarBind{
				{Name: MustOID("1.3.6.1.2.1.207.1.1.1.1.5.1.1"), Type: Integer, Value: int32(2)},
				{Name: MustOID("1.3.6.1.4.1.9586.100.5.2.3.1.2.1"), Type: OctetString, Value: []byte("VI_1")},
				{Name: MustOID("1.3.6.1.2.1.68.1.3.1.7.1.1"), Type: IPAddress, Value: [4]byte{192, 0, 2, 1}},
				{Name: MustOID("1.3.6.1.2.1.1.3.0"), Type: TimeTicks, Value: uint32(100)},
				{Name: MustOID("1.3.6.1.2.1.68.1.3.1.8"), Type: Counter64, Value: uint64(1) << 40},
				{Name: OID{1, 3, 6, 1, 2}, Type: EndOfMibView},
			}},
			`01121000 00000007 00000004 00000009 000000e8
			 00000000 00000000
			 00020000 09020000 00000001 000000cf 00000001 00000001 00000001 00000001 00000005 00000001 00000001 00000002
			 00040000 09040000 00000001 00002572 00000064 00000005 00000002 00000003 00000001 00000002 00000001 00000004 56495f31
			 00400000 08020000 00000001 00000044 00000001 00000003 00000001 00000007 00000001 00000001 00000004 c0000201
			 00430000 04020000 00000001 00000001 00000003 00000000 00000064
			 00460000 06020000 00000001 00000044 00000001 00000003 00000001 00000008 00000100 00000000
			 00820000 00020000`},
		{"close", PDU{Header: Header{Type: TypeClose, SessionID: 7}, Reason: ReasonShutdown},
			`01021000 00000007 00000000 00000000 00000004 05000000`},
		{"getbulk", PDU{Header: Header{Type: TypeGetBulk}, NonRepeaters: 1, MaxRepetitions: 10,
			Ranges: []SearchRange{{Start: OID{1, 3, 6, 1, 2, 1, 207}, Include: true}}},
			`01071000 00000000 00000000 00000000 00000014
			 0001000a 02020100 00000001 000000cf 00000000`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Encode(&c.p)
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, c.want); !bytes.Equal(got, want) {
				t.Fatalf("encoded\n%x\nwant\n%x", got, want)
			}
			back, err := Decode(got)
			if err != nil {
				t.Fatal(err)
			}
			c.p.Flags = back.Flags
			if !reflect.DeepEqual(*back, c.p) {
				t.Errorf("decoded %+v\nwant %+v", *back, c.p)
			}
		})
	}
}

// A master agent may send in its own (little-endian) byte order: the
// flag decides, and every field follows it.
func TestDecodeLittleEndian(t *testing.T) {
	b := unhex(t, `01060000 07000000 04000000 09000000 24000000
		02030100 01000000 02000000 01040000 02000000
		02040000 e1000000 ffffffff 00000000`)
	p, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := PDU{Header: Header{Type: TypeGetNext, SessionID: 7, TransactionID: 4, PacketID: 9},
		Ranges: []SearchRange{{Start: OID{1, 3, 6, 1, 3, 1, 2}, Include: true, End: OID{1, 3, 6, 1, 4, 2}}, {Start: OID{1, 3, 6, 1, 4, 225, 4294967295}}}}
	if !reflect.DeepEqual(*p, want) {
		t.Errorf("got %+v\nwant %+v", *p, want)
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := []struct{ name, in, err string }{
		{"short header", `0101`, "truncated"},
		{"version 2", `02011000 00000000 00000000 00000000 00000000`, "version 2"},
		{"length mismatch", `01021000 00000000 00000000 00000000 00000008 05000000`, "payload length 8"},
		{"unaligned length", `01021000 00000000 00000000 00000000 00000003 050000`, "multiple of 4"},
		{"huge length", `01021000 00000000 00000000 00000000 7fffffff`, "exceeds"},
		{"unknown type", `01631000 00000000 00000000 00000000 00000000`, "unknown PDU type 99"},
		{"truncated oid", `01051000 00000000 00000000 00000000 00000008 03000000 00000001`, "truncated"},
		{"long oid", `01051000 00000000 00000000 00000000 00000004 ff000000`, "exceeds 128"},
		{"octets past end", `01011000 00000000 00000000 00000000 0000000c 05000000 00000000 000000ff`, "truncated"},
		{"short ipaddress", `01121000 00000000 00000000 00000000 00000014 00000000 00000000 00400000 00000000 00000000`, "IpAddress of 0"},
		{"unknown varbind type", `01121000 00000000 00000000 00000000 00000010 00000000 00000000 00090000 00000000`, "unknown type 9"},
		{"context on close", `01021800 00000000 00000000 00000000 00000004 05000000`, "context flag"},
		{"range beyond subtree", `01031000 00000000 00000000 00000000 0000000c 007f0300 01000000 00000001`, "range_subid"},
		{"trailing bytes", `010d1000 00000000 00000000 00000000 00000004 00000000`, "after the last field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(unhex(t, c.in))
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("err %v, want %q", err, c.err)
			}
		})
	}
}

func TestRead(t *testing.T) {
	a, _ := Encode(&PDU{Header: Header{Type: TypePing, SessionID: 3, PacketID: 1}})
	b, _ := Encode(&PDU{Header: Header{Type: TypeClose, SessionID: 3}, Reason: ReasonShutdown})
	r := bytes.NewReader(append(a, b...))
	for _, want := range []Type{TypePing, TypeClose} {
		p, err := Read(r)
		if err != nil || p.Type != want {
			t.Fatalf("read %v, %v; want %v", p, err, want)
		}
	}
	if _, err := Read(bytes.NewReader(a[:HeaderLen+0])); err != nil {
		t.Errorf("a ping has no payload: %v", err)
	}
	if _, err := Read(bytes.NewReader(b[:HeaderLen+2])); err == nil {
		t.Error("a cut payload was accepted")
	}
}

func TestEncodeRejectsMistypedValue(t *testing.T) {
	_, err := Encode(&PDU{Header: Header{Type: TypeNotify}, VarBinds: []VarBind{{Name: OID{1}, Type: Integer, Value: 3}}})
	if err == nil || !strings.Contains(err.Error(), "Integer value int") {
		t.Errorf("err %v", err)
	}
}

func TestOID(t *testing.T) {
	o, err := ParseOID(".1.3.6.1.4.1.9586")
	if err != nil || o.String() != "1.3.6.1.4.1.9586" {
		t.Fatalf("%v %v", o, err)
	}
	if _, err := ParseOID("1.3.x"); err == nil {
		t.Error("1.3.x accepted")
	}
	if _, err := ParseOID("1.4294967296"); err == nil {
		t.Error("a sub-identifier over 32 bits accepted")
	}
	cases := []struct {
		a, b string
		cmp  int
	}{{"1.3.6", "1.3.6", 0}, {"1.3", "1.3.6", -1}, {"1.3.7", "1.3.6.9", 1}, {"1.10", "1.9", 1}}
	for _, c := range cases {
		if got := MustOID(c.a).Compare(MustOID(c.b)); got != c.cmp {
			t.Errorf("%s vs %s: %d, want %d", c.a, c.b, got, c.cmp)
		}
	}
	base := MustOID("1.3.6.1")
	x := base[:2].Append(9)
	if base[2] != 6 || x.String() != "1.3.9" || !MustOID("1.3.6.1.2").HasPrefix(base) || MustOID("1.3").HasPrefix(base) {
		t.Error("Append shares its array or HasPrefix is wrong")
	}
}
