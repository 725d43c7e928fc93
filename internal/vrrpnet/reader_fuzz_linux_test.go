package vrrpnet

import (
	"testing"
	"time"

	"golang.org/x/net/ipv4"
)

// FuzzPacket feeds Reader.packet what a raw socket can deliver: any
// datagram (the IPv4 header comes from the wire) with any control
// messages. It must not panic, and the payload must lie inside the data.
func FuzzPacket(f *testing.F) {
	f.Add(ipv4Advert(112, 255, [4]byte{224, 0, 0, 18}, 1, 0), []byte{}, true)
	f.Add(ipv4Advert(112, 255, [4]byte{224, 0, 0, 18}, 1, 10), []byte{0x20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x23, 0}, true)
	f.Add([]byte{0x4f}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, false)
	f.Fuzz(func(t *testing.T, data, oob []byte, v4 bool) {
		fam := 6
		if v4 {
			fam = 4
		}
		r := &Reader{s: &Socket{Family: fam}}
		buf := make([]byte, len(data)+16)
		copy(buf, data)
		m := &ipv4.Message{N: len(data), NN: len(oob), OOB: oob}
		p, ok := r.packet(m, buf, time.Now())
		if ok && len(p.Payload) > len(data) {
			t.Fatalf("payload of %d bytes from %d", len(p.Payload), len(data))
		}
	})
}
