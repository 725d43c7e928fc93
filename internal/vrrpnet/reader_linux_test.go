package vrrpnet

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/nstest"
	"golang.org/x/net/ipv6"
)

// pair is two namespaces joined by a veth pair: a receiver on "v0" and an
// injector on "v1".
func pair(t testing.TB, tag string, family int) (rx, inj *Socket, rxAddr netip.Addr) {
	t.Helper()
	a, b := nstest.New(t, tag+"a"), nstest.New(t, tag+"b")
	nstest.IP(t, "-n", a, "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", b)
	addrA, addrB := "192.0.2.1/24", "192.0.2.2/24"
	if family == 6 {
		addrA, addrB = "2001:db8::1/64", "2001:db8::2/64"
	}
	nstest.IP(t, "-n", a, "addr", "add", addrA, "dev", "v0", "nodad")
	nstest.IP(t, "-n", b, "addr", "add", addrB, "dev", "v1", "nodad")
	nstest.IP(t, "-n", a, "link", "set", "v0", "up")
	nstest.IP(t, "-n", b, "link", "set", "v1", "up")
	rx = openFamily(t, a, "v0", family)
	inj = openFamily(t, b, "v1", family)
	t.Cleanup(func() { rx.Close(); inj.Close() })
	if err := rx.Join(groupOf(family)); err != nil {
		t.Fatal(err)
	}
	return rx, inj, netip.MustParsePrefix(addrA).Addr()
}

// groupOf is the VRRP multicast group of the family.
func groupOf(family int) netip.Addr {
	if family == 6 {
		return Group6
	}
	return Group4
}

// advert is a minimal VRRPv3 header for vrid (the filter reads only the
// VRID; the receive checks are vrrp's).
func advert(vrid uint8) []byte { return []byte{0x31, vrid, 100, 0, 0, 100, 0, 0} }

// inject sends n adverts for vrid to dst with the given TTL/hop limit.
func inject(t testing.TB, s *Socket, n int, vrid uint8, ttl int, dst netip.Addr) {
	t.Helper()
	var err error
	if s.Family == 4 {
		err = errors.Join(s.pc4.SetTTL(ttl), s.pc4.SetMulticastTTL(ttl))
	} else {
		err = errors.Join(s.pc6.SetHopLimit(ttl), s.pc6.SetMulticastHopLimit(ttl))
	}
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		// A fresh veth may not route yet for a few milliseconds.
		for try := 0; ; try++ {
			if s.Family == 6 {
				// Send's control message would set the hop limit to 255.
				_, err = s.pc6.WriteTo(advert(vrid), &ipv6.ControlMessage{IfIndex: s.Iface.Index, HopLimit: ttl}, ipAddr(dst))
			} else {
				err = s.Send(advert(vrid), netip.Addr{}, dst)
			}
			if !errors.Is(err, syscall.ENETUNREACH) || try == 100 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// drain reads until no packet arrives for 200 ms and returns "vrid/ttl"
// for each.
func drain(t *testing.T, s *Socket) []string {
	t.Helper()
	r := s.NewReader(64)
	var got []string
	for {
		if err := s.raw.SetReadDeadline(time.Now().Add(200 * time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		ps, err := r.Read()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			if err := s.raw.SetReadDeadline(time.Time{}); err != nil {
				t.Fatal(err)
			}
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			got = append(got, fmt.Sprintf("%d/%d", p.Payload[1], p.TTL))
		}
	}
}

// TestFilterDropsInKernel: with the prefilter, multicast adverts with TTL
// 64 and adverts for a VRID the socket does not serve never reach the
// process; unicast TTL-64 adverts do (their peer's min_ttl/max_ttl is for
// vrrp to judge), as do good ones. Without it, everything arrives.
func TestFilterDropsInKernel(t *testing.T) {
	for _, family := range []int{4, 6} {
		t.Run(fmt.Sprintf("IPv%d", family), func(t *testing.T) {
			rx, inj, unicast := pair(t, fmt.Sprintf("flt%d", family), family)
			group := groupOf(family)
			send := func() {
				inject(t, inj, 5, 1, 64, group)   // TTL 64 to the group: dropped
				inject(t, inj, 5, 9, 255, group)  // VRID not served: dropped
				inject(t, inj, 5, 1, 64, unicast) // unicast: passes
				inject(t, inj, 5, 2, 255, group)  // good: passes
			}
			send()
			if got := drain(t, rx); len(got) != 20 {
				t.Fatalf("without a filter: %d of 20 injected arrived: %v", len(got), got)
			}
			if err := rx.SetFilter(Filter{VRIDs: []uint8{1, 2}, MulticastTTL255: true}); err != nil {
				t.Fatal(err)
			}
			send()
			got := drain(t, rx)
			want := slices.Concat(slices.Repeat([]string{"1/64"}, 5), slices.Repeat([]string{"2/255"}, 5))
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("with the filter, of 20 injected: %v\nwant %v", got, want)
			}
			// Root loads the counting (eBPF) filter: each drop counted
			// under the reason user space would give.
			var k KernelDrops
			if ok, err := rx.KernelDrops([]uint8{1, 2}, &k); !ok || err != nil || rx.FilterErr != nil {
				t.Fatalf("kernel drops not counted: %v %v (filter: %v)", ok, err, rx.FilterErr)
			}
			if k.TTL[1] != 5 || k.TTL[2] != 0 || k.Unserved != 5 {
				t.Errorf("kernel drops: TTL by VRID 1 %d, 2 %d, unserved %d; want 5, 0, 5", k.TTL[1], k.TTL[2], k.Unserved)
			}
			// A reload that serves VRID 9 too lets it through.
			if err := rx.SetFilter(Filter{VRIDs: []uint8{1, 2, 9}, MulticastTTL255: true}); err != nil {
				t.Fatal(err)
			}
			inject(t, inj, 3, 9, 255, group)
			if got := drain(t, rx); len(got) != 3 {
				t.Errorf("after the update, VRID 9: %v", got)
			}
		})
	}
}

// TestBatchReadKernelStamps: a batch read returns several packets, each
// with its own kernel receive time (when it arrived, not when it was
// read).
func TestBatchReadKernelStamps(t *testing.T) {
	rx, inj, _ := pair(t, "batch", 4)
	// The kernel turns receive timestamps on a moment after the first
	// socket asks (a deferred static key); until then a packet is stamped
	// when read. Let that happen before measuring.
	waitStamping(t, rx, func() { inject(t, inj, 1, 1, 255, Group4) })
	drain(t, rx)
	sent := time.Now()
	for range 8 {
		inject(t, inj, 1, 1, 255, Group4)
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	read := time.Now()
	ps, err := rx.NewReader(16).Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 2 {
		t.Fatalf("one read returned %d packets, want a batch", len(ps))
	}
	for i, p := range ps {
		if p.At.Before(sent) || !p.At.Before(read.Add(-25*time.Millisecond)) {
			t.Errorf("packet %d: arrival %v after the first send, %v before the read; want the kernel's time",
				i, p.At.Sub(sent), read.Sub(p.At))
		}
		if i > 0 && !p.At.After(ps[i-1].At) {
			t.Errorf("packet %d arrived at %v, not after packet %d (%v)", i, p.At, i-1, ps[i-1].At)
		}
		if p.TTL != 255 || p.Dst != Group4 || p.Src != netip.MustParseAddr("192.0.2.2") || p.Payload[1] != 1 {
			t.Errorf("packet %d: %+v", i, p)
		}
	}
	if rx.ReadBuffer < DefaultReadBuffer {
		t.Errorf("receive buffer %d, asked for %d", rx.ReadBuffer, DefaultReadBuffer)
	}
}

// TestReadAllocs: reading packets allocates nothing, blocking or not —
// at 4,080 backups every advert's garbage was the backup's heap churn.
func TestReadAllocs(t *testing.T) {
	for _, family := range []int{4, 6} {
		t.Run(fmt.Sprintf("IPv%d", family), func(t *testing.T) {
			rx, inj, _ := pair(t, fmt.Sprintf("ra%d", family), family)
			group := groupOf(family)
			const n = 64
			r, p := rx.NewReader(4), rx.NewReader(4)
			inject(t, inj, n, 1, 255, group)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got, polls := 0, 0
			for got < n {
				ps, err := p.Poll() // what is queued, then block for the rest
				if err == nil && len(ps) == 0 {
					ps, err = r.Read()
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, pk := range ps {
					if pk.Payload[1] != 1 || pk.TTL != 255 || pk.Dst != group || !pk.Src.IsValid() {
						t.Fatalf("packet %d: %+v", got, pk)
					}
				}
				got, polls = got+len(ps), polls+1
			}
			runtime.ReadMemStats(&after)
			if m := after.Mallocs - before.Mallocs; m > 4 {
				t.Errorf("%d allocations reading %d packets in %d reads", m, n, polls)
			}
		})
	}
}
