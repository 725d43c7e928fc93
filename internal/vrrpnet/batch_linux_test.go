package vrrpnet

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestBatchFlush: one flush sends every queued advert, in order, from the
// source each was queued with, with TTL/hop limit 255; the batch is then
// empty and reusable.
func TestBatchFlush(t *testing.T) {
	for _, fam := range []int{4, 6} {
		t.Run(fmt.Sprintf("ipv%d", fam), func(t *testing.T) {
			rx, inj, _ := pair(t, fmt.Sprintf("bf%d", fam), fam)
			src, group := netip.MustParseAddr("192.0.2.2"), Group4
			if fam == 6 {
				src, group = netip.MustParseAddr("2001:db8::2"), Group6
			}
			b := inj.NewBatch()
			for round := range 2 {
				n, err := flushRetry(t, b, func() {
					for v := range 5 {
						b.Add(advert(uint8(10*round+v+1)), src, group)
					}
				})
				if err != nil || n != 5 {
					t.Fatalf("round %d: flush sent %d, %v; want 5", round, n, err)
				}
				if b.Len() != 0 {
					t.Fatalf("round %d: %d left after the flush", round, b.Len())
				}
			}
			var got []uint8
			deadline := time.Now().Add(10 * time.Second)
			for len(got) < 10 && time.Now().Before(deadline) {
				ps, err := rx.NewReader(16).Read()
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range ps {
					if p.TTL != 255 || p.Dst != group || p.Src != src {
						t.Errorf("packet %+v: want TTL 255 from %s to %s", p, src, group)
					}
					got = append(got, p.Payload[1])
				}
			}
			if want := []uint8{1, 2, 3, 4, 5, 11, 12, 13, 14, 15}; !slices.Equal(got, want) {
				t.Errorf("received VRIDs %v, want %v", got, want)
			}
		})
	}
}

// flushRetry queues with add and flushes, again while a fresh veth
// cannot route yet (its first few milliseconds).
func flushRetry(t *testing.T, b *Batch, add func()) (int, error) {
	for try := 0; ; try++ {
		add()
		if b.Len() != 5 {
			t.Fatalf("%d queued, want 5", b.Len())
		}
		n, err := b.Flush(nil)
		if !errors.Is(err, syscall.ENETUNREACH) || n > 0 || try == 100 {
			return n, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An IPv4 datagram longer than any valid advert is read truncated, and
// said to be, whatever the slot size; one that fills the slot (more than
// the largest valid advert, 1,124 bytes with a 60-byte IP header) is not.
func TestReadTruncatesOversized(t *testing.T) {
	rx, inj, _ := pair(t, "trunc", 4)
	r := rx.NewReader(4)
	for _, tc := range []struct {
		payload   int
		truncated bool
	}{{maxPacket4 - 20, false}, {3000, true}} {
		big := make([]byte, tc.payload)
		copy(big, advert(1))
		deadline := time.Now().Add(10 * time.Second)
		for {
			err := inj.Send(big, netip.Addr{}, Group4)
			if err == nil {
				break
			}
			if !errors.Is(err, syscall.ENETUNREACH) || time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		ps, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 {
			t.Fatalf("read %d packets, want 1", len(ps))
		}
		if ps[0].Truncated != tc.truncated || (len(ps[0].Payload) == len(big)) == tc.truncated {
			t.Errorf("%d bytes: read %d, truncated %v; want truncated %v", len(big), len(ps[0].Payload), ps[0].Truncated, tc.truncated)
		}
	}
}
