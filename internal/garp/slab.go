package garp

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
)

// A Sender keeps every frame it may send built ahead of a takeover (issue
// #12 asks that nothing be built between a VIP appearing and the clients
// learning where it went), but not as a slice and a map entry per address:
// at 4,080 instances that was 168 bytes an address, 0.7 MB. The frames of
// one address list lie back to back in one byte slab per sender, 42 bytes
// an IPv4 address and 86 an IPv6 one, and the caller keeps a Block: a
// small integer naming where they lie.

// Block names the frames of one address list in a Sender. The zero Block
// names none.
type Block uint32

// span is where a block's frames lie in slab.buf. A free block's n is
// freeSpan and its off the next free block's index (0: none).
type span struct{ off, n uint32 }

const freeSpan = ^uint32(0)

// slab holds the frames of every block of a sender. Freed blocks leave
// dead bytes behind; once they are more than half of buf, the live blocks
// are copied into a buffer of their own size (compact), so a configuration
// reloaded again and again keeps at most twice its frames.
type slab struct {
	buf   []byte
	spans []span // spans[b-1] is Block b's
	free  uint32 // first free Block, 0: none
	dead  int    // bytes of buf no block holds
}

const (
	arpLen = 14 + 28
	naFLen = 14 + 40 + naLen
)

// framesLen is the bytes addrs' frames take, or an error naming the first
// address that cannot be announced.
func framesLen(mac net.HardwareAddr, addrs []netip.Addr) (int, error) {
	if len(mac) != 6 {
		return 0, fmt.Errorf("garp: MAC %v is not 6 bytes", mac)
	}
	n := 0
	for _, a := range addrs {
		switch {
		case !a.IsValid():
			return 0, fmt.Errorf("garp: no address to announce")
		case a.Is4():
			n += arpLen
		default:
			n += naFLen
		}
	}
	return n, nil
}

// put builds the frames announcing addrs from mac into a block. old, if
// not zero, is the block they replace: its place is reused when the new
// frames take as many bytes (a reload that keeps an instance's addresses
// moves nothing), freed otherwise. On error old is left as it was.
func (s *slab) put(old Block, mac net.HardwareAddr, addrs []netip.Addr) (Block, error) {
	n, err := framesLen(mac, addrs)
	if err != nil {
		return old, err
	}
	if s.holds(old) && s.spans[old-1].n == uint32(n) {
		sp := s.spans[old-1]
		appendFrames(s.buf[sp.off:sp.off:sp.off+sp.n], mac, addrs)
		return old, nil
	}
	s.drop(old)
	b := s.alloc()
	off := len(s.buf)
	s.buf = appendFrames(s.buf, mac, addrs)
	s.spans[b-1] = span{uint32(off), uint32(n)}
	return b, nil
}

func appendFrames(buf []byte, mac net.HardwareAddr, addrs []netip.Addr) []byte {
	for _, a := range addrs {
		if a.Is4() {
			buf = appendARP(buf, mac, a)
		} else {
			buf = appendNA(buf, mac, a)
		}
	}
	return buf
}

func (s *slab) alloc() Block {
	if b := s.free; b != 0 {
		s.free = s.spans[b-1].off
		return Block(b)
	}
	s.spans = append(s.spans, span{})
	return Block(len(s.spans))
}

// drop frees b (zero: nothing). A Block not given out by put is ignored.
func (s *slab) drop(b Block) {
	if !s.holds(b) {
		return
	}
	s.dead += int(s.spans[b-1].n)
	s.spans[b-1] = span{off: s.free, n: freeSpan}
	s.free = uint32(b)
	if 2*s.dead > len(s.buf) {
		s.compact()
	}
}

func (s *slab) compact() {
	buf := make([]byte, 0, len(s.buf)-s.dead)
	for i, sp := range s.spans {
		if sp.n == freeSpan {
			continue
		}
		s.spans[i].off = uint32(len(buf))
		buf = append(buf, s.buf[sp.off:sp.off+sp.n]...)
	}
	s.buf, s.dead = buf, 0
}

// frames returns b's frames, back to back; false for a Block not held.
func (s *slab) frames(b Block) ([]byte, bool) {
	if !s.holds(b) {
		return nil, false
	}
	sp := s.spans[b-1]
	return s.buf[sp.off : sp.off+sp.n : sp.off+sp.n], true
}

func (s *slab) holds(b Block) bool {
	return b != 0 && int(b) <= len(s.spans) && s.spans[b-1].n != freeSpan
}

// next splits the first frame off p, the frames of a block.
func next(p []byte) (frame, rest []byte) {
	n := naFLen
	if binary.BigEndian.Uint16(p[12:14]) == etherARP {
		n = arpLen
	}
	return p[:n:n], p[n:]
}

// announced is the address a frame announces: an ARP request's sender
// address, a neighbour advertisement's target.
func announced(f []byte) netip.Addr {
	if len(f) == arpLen {
		return netip.AddrFrom4([4]byte(f[14+14 : 14+18]))
	}
	return netip.AddrFrom16([16]byte(f[14+40+8 : 14+40+24]))
}
