package bfd

import (
	"errors"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// The codec was gopacket's BFD layer until that package's 2 MB of code
// and init-time tables left the daemon's binary; these tests hold the
// hand-written one to what the layer decoded and encoded.

// layerDecode is Decode as it was over gopacket: its verdict class and
// packet.
func layerDecode(b []byte) (Packet, error) {
	if len(b) < HeaderLen {
		return Packet{}, ErrShort
	}
	var l layers.BFD
	if err := l.DecodeFromBytes(b, gopacket.NilDecodeFeedback); err != nil {
		return Packet{}, ErrInvalid
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
	if p.check(uint8(l.Version), l.Multipoint, b[3]) != "" {
		return Packet{}, ErrInvalid
	}
	return p, nil
}

func layerMarshal(p Packet) []byte {
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
	_ = l.SerializeTo(buf, gopacket.SerializeOptions{})
	return buf.Bytes()
}

func verdict(err error) error {
	for _, e := range []error{ErrShort, ErrInvalid, ErrAuth} {
		if errors.Is(err, e) {
			return e
		}
	}
	return err
}

// FuzzDecodeAsGopacket: every datagram gets the layer's verdict, every
// accepted one the same packet, and that packet the same 24 bytes.
func FuzzDecodeAsGopacket(f *testing.F) {
	up := mustHex(f, upPacket)
	f.Add(up)
	for _, auth := range [][]byte{{1, 5, 1, 'a', 'b'}, {2, 24, 1}, {2, 24, 1, 0, 0, 0, 0}, {4, 28, 1, 0, 0, 0, 0, 1}, {6, 3, 1}, {2, 2}} {
		b := append([]byte(nil), up...)
		b[1] |= bitAuth
		b[3] = byte(HeaderLen + len(auth))
		f.Add(append(b, auth...))
	}
	f.Add(append(append([]byte(nil), up[:3]...), 20))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Decode(b)
		want, werr := layerDecode(b)
		if verdict(err) != werr || got != want {
			t.Fatalf("%x: got %+v, %v; gopacket %+v, %v", b, got, err, want, werr)
		}
		if err == nil && string(got.Marshal()) != string(layerMarshal(got)) {
			t.Fatalf("%+v: marshal %x, gopacket %x", got, got.Marshal(), layerMarshal(got))
		}
	})
}

// TestMarshalAsGopacket covers the values a session sends: every state,
// diagnostic and flag.
func TestMarshalAsGopacket(t *testing.T) {
	for st := AdminDown; st <= Up; st++ {
		for d := DiagNone; d < numDiags; d++ {
			for flags := 0; flags < 16; flags++ {
				p := Packet{State: st, Diag: d, Poll: flags&1 != 0, Final: flags&2 != 0, CPI: flags&4 != 0,
					Demand: flags&8 != 0, DetectMult: 3, MyDisc: 0x01020304, YourDisc: 0xfffefdfc,
					MinTx: 300_000, MinRx: 1, MinEchoRx: 0x80000000}
				if got, want := p.Marshal(), layerMarshal(p); string(got) != string(want) {
					t.Fatalf("%+v: %x, gopacket %x", p, got, want)
				}
			}
		}
	}
}
