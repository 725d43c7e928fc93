package bfd

import (
	"net/netip"
	"testing"
	"time"
)

// FuzzDecode feeds arbitrary datagrams to the decoder and a session: a
// packet Decode accepts must marshal back to its own first 24 bytes and
// never make the session panic or send Final with Poll.
func FuzzDecode(f *testing.F) {
	f.Add(mustHex(f, upPacket))
	f.Add(Packet{State: Down, DetectMult: 5, MyDisc: 9, MinTx: 1_000_000, MinRx: 10_000}.Marshal())
	f.Add(append(Packet{State: Up, DetectMult: 3, MyDisc: 1, YourDisc: 1}.Marshal(), 1, 5, 1, 'x', 'y'))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Decode(b)
		if err != nil {
			return
		}
		if got := p.Marshal(); string(got) != string(b[:HeaderLen]) {
			t.Fatalf("round trip: %x -> %+v -> %x", b, p, got)
		}
		cfg := Defaults("f")
		cfg.Neighbor = ok4
		s := NewSession(cfg, 1, 1)
		now := time.Unix(0, 0)
		s.Start(now)
		acts, _ := s.Receive(now, p, 255)
		for _, a := range acts {
			if a.Kind == ActSend && a.Packet.Poll && a.Packet.Final {
				t.Fatalf("sent poll and final: %+v", a.Packet)
			}
		}
	})
}

var ok4 = netip.MustParseAddr("192.0.2.1")
