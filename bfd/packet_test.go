package bfd

import (
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// upPacket is an Up packet at 300 ms × 3, laid out by hand from RFC 5880
// §4.1: version 1, Up, mult 3, length 24, discriminators 7 and 1.
const upPacket = "20 c0 03 18 00000007 00000001 000493e0 000493e0 00000000"

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	var clean []byte
	for _, c := range []byte(s) {
		if c != ' ' {
			clean = append(clean, c)
		}
	}
	b, err := hex.DecodeString(string(clean))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	good := mustHex(t, upPacket)
	p, err := Decode(good)
	if err != nil {
		t.Fatal(err)
	}
	want := Packet{State: Up, DetectMult: 3, MyDisc: 7, YourDisc: 1, MinTx: 300_000, MinRx: 300_000}
	if p != want {
		t.Fatalf("got %+v, want %+v", p, want)
	}
	if got := hex.EncodeToString(p.Marshal()); got != hex.EncodeToString(good) {
		t.Fatalf("marshal: got %s, want %x", got, good)
	}
}

func TestDecodeRefuses(t *testing.T) {
	base := func() []byte {
		return Packet{State: Up, DetectMult: 3, MyDisc: 7, YourDisc: 1, MinTx: 1, MinRx: 1}.Marshal()
	}
	tests := []struct {
		name string
		mod  func([]byte) []byte
		want error
		msg  string
	}{
		{"short", func(b []byte) []byte { return b[:23] }, ErrShort, "23 bytes"},
		{"version 0", func(b []byte) []byte { b[0] &^= 0xe0; return b }, ErrInvalid, "version 0"},
		{"length beyond datagram", func(b []byte) []byte { b[3] = 40; return b }, ErrInvalid, "length"},
		{"length below header", func(b []byte) []byte { b[3] = 20; return b }, ErrInvalid, "too small"},
		{"length with trailing bytes", func(b []byte) []byte { b[3] = 26; return append(b, 0, 0) }, ErrInvalid, "length 26"},
		{"mult 0", func(b []byte) []byte { b[2] = 0; return b }, ErrInvalid, "multiplier 0"},
		{"multipoint", func(b []byte) []byte { b[1] |= 1; return b }, ErrInvalid, "multipoint"},
		{"my disc 0", func(b []byte) []byte { copy(b[4:8], []byte{0, 0, 0, 0}); return b }, ErrInvalid, "my discriminator 0"},
		{"your disc 0 while Up", func(b []byte) []byte { copy(b[8:12], []byte{0, 0, 0, 0}); return b }, ErrInvalid, "your discriminator 0 in state Up"},
		{"poll and final", func(b []byte) []byte { b[1] |= 0x30; return b }, ErrInvalid, "both poll and final"},
		{"diag 31", func(b []byte) []byte { b[0] |= 0x1f; return b }, ErrInvalid, "diagnostic 31"},
		{"auth", func(b []byte) []byte {
			b[1] |= 0x04
			b[3] = 24 + 5
			return append(b, 1, 5, 1, 'a', 'b')
		}, ErrAuth, "authentication"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.mod(base()))
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

func TestDecodeDownWithoutYourDisc(t *testing.T) {
	for _, st := range []State{Down, AdminDown} {
		b := Packet{State: st, DetectMult: 5, MyDisc: 9, MinTx: 1_000_000, MinRx: 10_000}.Marshal()
		if _, err := Decode(b); err != nil {
			t.Errorf("%s with your discriminator 0: %v", st, err)
		}
	}
}

func TestTTL(t *testing.T) {
	v4, v6 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")
	tests := []struct {
		name    string
		cfg     Settings
		send    uint8
		accepts []uint8
		refuses []uint8
	}{
		{"v4 default", Settings{Neighbor: v4}, 255, []uint8{255}, []uint8{254, 1}},
		{"v6 default is keepalived's hoplimit 64", Settings{Neighbor: v6}, 64, []uint8{64, 255}, []uint8{63}},
		{"v6 hoplimit 255", Settings{Neighbor: v6, TTL: 255}, 255, []uint8{255}, []uint8{254}},
		{"max_hops 2", Settings{Neighbor: v4, MaxHops: 2}, 255, []uint8{253, 255}, []uint8{252}},
		{"max_hops 255 disables", Settings{Neighbor: v4, MaxHops: 255}, 255, []uint8{1}, nil},
		{"max_hops -1 disables", Settings{Neighbor: v4, MaxHops: -1}, 255, []uint8{1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.SendTTL(); got != tt.send {
				t.Errorf("SendTTL %d, want %d", got, tt.send)
			}
			for _, v := range tt.accepts {
				if !tt.cfg.AcceptTTL(v) {
					t.Errorf("TTL %d refused", v)
				}
			}
			for _, v := range tt.refuses {
				if tt.cfg.AcceptTTL(v) {
					t.Errorf("TTL %d accepted", v)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Defaults("b")
	ok.Neighbor = netip.MustParseAddr("192.0.2.1")
	tests := []struct {
		name string
		mod  func(*Settings)
		msg  string
	}{
		{"defaults", func(*Settings) {}, ""},
		{"no neighbor", func(s *Settings) { s.Neighbor = netip.Addr{} }, "no neighbor_ip"},
		{"family", func(s *Settings) { s.Source = netip.MustParseAddr("2001:db8::1") }, "same family"},
		{"idle below 1s", func(s *Settings) { s.IdleTx = 999 * time.Millisecond }, "below its minimum"},
		{"mult 0", func(s *Settings) { s.Multiplier = 0 }, "multiplier 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.mod(&s)
			err := s.Validate()
			if (err == nil) != (tt.msg == "") || (err != nil && !strings.Contains(err.Error(), tt.msg)) {
				t.Fatalf("got %v, want %q", err, tt.msg)
			}
		})
	}
}
