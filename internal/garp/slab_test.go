package garp

import (
	"bytes"
	"net"
	"net/netip"
	"slices"
	"testing"
)

var testMAC = net.HardwareAddr{0x02, 0, 0x5e, 0, 0x01, 0x07}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

// blockFrames splits b's frames, failing when the slab does not hold b.
func blockFrames(t *testing.T, s *slab, b Block) [][]byte {
	t.Helper()
	p, ok := s.frames(b)
	if !ok {
		t.Fatalf("block %d not held", b)
	}
	var out [][]byte
	for len(p) > 0 {
		var f []byte
		f, p = next(p)
		out = append(out, f)
	}
	return out
}

// wantFrames checks that b holds exactly Frame's frame for each of as,
// in order, and that each reads back as its address.
func wantFrames(t *testing.T, s *slab, b Block, as []netip.Addr) {
	t.Helper()
	got := blockFrames(t, s, b)
	if len(got) != len(as) {
		t.Fatalf("block %d: %d frames, want %d", b, len(got), len(as))
	}
	for i, a := range as {
		want, err := Frame(testMAC, a)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[i], want) {
			t.Errorf("block %d frame %d (%s):\n got %x\nwant %x", b, i, a, got[i], want)
		}
		if announced(got[i]) != a {
			t.Errorf("block %d frame %d announces %s, want %s", b, i, announced(got[i]), a)
		}
	}
}

// The frames in the slab are Frame's, byte for byte (and so keepalived's:
// TestFramesMatchKeepalived), whatever mix of families a block holds.
func TestSlabHoldsFramesOfEachAddress(t *testing.T) {
	var s slab
	lists := [][]netip.Addr{
		addrs("192.0.2.1"),
		addrs("2001:db8::1", "2001:db8::2"),
		addrs("192.0.2.2", "2001:db8::3", "192.0.2.3"),
		nil,
	}
	var bs []Block
	for _, as := range lists {
		b, err := s.put(0, testMAC, as)
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	for i, as := range lists {
		wantFrames(t, &s, bs[i], as)
	}
	if want := 3*arpLen + 3*naFLen; len(s.buf) != want {
		t.Errorf("slab holds %d bytes, want %d (the frames and nothing else)", len(s.buf), want)
	}
}

// A reload that keeps the addresses (or as many bytes of them) rewrites
// the block where it lies; one that changes their size moves it and frees
// the old place for the next block.
func TestSlabReplace(t *testing.T) {
	var s slab
	b1, _ := s.put(0, testMAC, addrs("192.0.2.1"))
	b2, _ := s.put(0, testMAC, addrs("192.0.2.2"))
	same, err := s.put(b1, testMAC, addrs("192.0.2.9"))
	if err != nil || same != b1 {
		t.Fatalf("same-size replace: block %d, %v; want %d in place", same, err, b1)
	}
	if len(s.buf) != 2*arpLen {
		t.Errorf("same-size replace grew the slab to %d bytes", len(s.buf))
	}
	wantFrames(t, &s, b1, addrs("192.0.2.9"))
	wantFrames(t, &s, b2, addrs("192.0.2.2"))

	moved, err := s.put(b1, testMAC, addrs("192.0.2.9", "192.0.2.10"))
	if err != nil {
		t.Fatal(err)
	}
	wantFrames(t, &s, moved, addrs("192.0.2.9", "192.0.2.10"))
	wantFrames(t, &s, b2, addrs("192.0.2.2"))
	if moved == b1 {
		if _, ok := s.frames(b1); !ok {
			t.Fatal("block reused but not held")
		}
	} else if _, ok := s.frames(b1); ok {
		t.Errorf("block %d still held after being replaced by %d", b1, moved)
	}
}

// An address that cannot be announced refuses the whole list and leaves
// the block it would have replaced as it was.
func TestSlabRefuses(t *testing.T) {
	var s slab
	b, _ := s.put(0, testMAC, addrs("192.0.2.1"))
	for _, c := range []struct {
		mac net.HardwareAddr
		as  []netip.Addr
	}{
		{net.HardwareAddr{1, 2, 3}, addrs("192.0.2.5")},
		{nil, addrs("192.0.2.5")},
		{testMAC, []netip.Addr{netip.MustParseAddr("192.0.2.5"), {}}},
	} {
		got, err := s.put(b, c.mac, c.as)
		if err == nil {
			t.Errorf("put(%v, %v): no error", c.mac, c.as)
		}
		if got != b {
			t.Errorf("put(%v, %v) refused but returned block %d, want %d", c.mac, c.as, got, b)
		}
		wantFrames(t, &s, b, addrs("192.0.2.1"))
	}
	s.drop(0)
	s.drop(99) // never given out
	wantFrames(t, &s, b, addrs("192.0.2.1"))
}

// Instances leaving free their blocks; the freed Blocks are given out
// again, and once more than half the slab is dead the rest is packed, its
// frames unchanged.
func TestSlabCompacts(t *testing.T) {
	var s slab
	lists := map[Block][]netip.Addr{}
	for i := range 200 {
		as := addrs(netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)}).String())
		if i%3 == 0 {
			as = append(as, netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i)}))
		}
		b, err := s.put(0, testMAC, as)
		if err != nil {
			t.Fatal(err)
		}
		lists[b] = as
	}
	var freed []Block
	for b := range lists {
		if b%5 != 0 {
			s.drop(b)
			freed = append(freed, b)
			delete(lists, b)
		}
	}
	live := 0
	for b, as := range lists {
		wantFrames(t, &s, b, as)
		n, _ := framesLen(testMAC, as)
		live += n
	}
	if len(s.buf) > 2*live {
		t.Errorf("slab %d bytes for %d live: not packed", len(s.buf), live)
	}
	b, _ := s.put(0, testMAC, addrs("192.0.2.77"))
	if !slices.Contains(freed, b) {
		t.Errorf("new block %d, want a freed one reused", b)
	}
	if len(s.spans) != 200 {
		t.Errorf("%d spans after reuse, want 200", len(s.spans))
	}
	wantFrames(t, &s, b, addrs("192.0.2.77"))
}

// A takeover's burst lists slices of the slab: nothing is built, copied
// or allocated once the sender's list has grown (issue #12: frames built
// ahead of a takeover).
func TestCollectAllocatesNothing(t *testing.T) {
	s := &Sender{ifi: &net.Interface{Name: "t0", HardwareAddr: testMAC}}
	as := addrs("192.0.2.1", "192.0.2.2", "192.0.2.3")
	b, err := s.Prepare(0, nil, as)
	if err != nil {
		t.Fatal(err)
	}
	if !s.collect(b, nil, 5) || len(s.out) != 15 {
		t.Fatalf("collected %d frames, want 15", len(s.out))
	}
	p, _ := s.frames.frames(b)
	if &s.out[0][0] != &p[0] {
		t.Error("the burst copies the frame instead of sending the prepared one")
	}
	only := addrs("192.0.2.2")
	if !s.collect(b, only, 2) || len(s.out) != 2 || announced(s.out[0]) != only[0] {
		t.Fatalf("AnnounceSome's list: %d frames", len(s.out))
	}
	if s.collect(b+1, nil, 5) {
		t.Error("an unknown block collected")
	}
	if n := testing.AllocsPerRun(100, func() { s.collect(b, nil, 5) }); n != 0 {
		t.Errorf("a burst allocates %.0f times", n)
	}
	if s.Prepared() != 3 {
		t.Errorf("Prepared() = %d, want 3", s.Prepared())
	}
	s.Forget(b)
	if s.Prepared() != 0 {
		t.Errorf("after Forget: Prepared() = %d, want 0", s.Prepared())
	}
}
