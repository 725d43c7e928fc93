package vrrpnet

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// TestMuxReadsEverySocket: one goroutine waiting on a Mux reads every
// socket's adverts with one Reader, allocating nothing; a removed socket
// is no longer reported, and closing the Mux ends a Wait.
func TestMuxReadsEverySocket(t *testing.T) {
	for _, family := range []int{4, 6} {
		t.Run(fmt.Sprintf("IPv%d", family), func(t *testing.T) {
			m, err := NewMux()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { m.Close() })
			const socks, each = 3, 20
			var rxs, injs []*Socket
			for i := range socks {
				rx, inj, _ := pair(t, fmt.Sprintf("mx%d%d", family, i), family)
				if err := m.Add(rx); err != nil {
					t.Fatal(err)
				}
				rxs, injs = append(rxs, rx), append(injs, inj)
			}
			for i, inj := range injs {
				inject(t, inj, each, uint8(i+1), 255, groupOf(family))
			}
			r := NewFamilyReader(family, 4)
			got, vrid := map[*Socket]int{}, map[*Socket]uint8{}
			for i, rx := range rxs {
				vrid[rx] = uint8(i + 1)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for total := 0; total < socks*each; {
				ready, err := m.Wait()
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range ready {
					ps, err := r.PollFrom(s)
					if err != nil {
						t.Fatal(err)
					}
					for _, p := range ps {
						if p.Payload[1] != vrid[s] || p.TTL != 255 {
							t.Fatalf("VRID %d TTL %d read from the socket VRID %d's adverts go to", p.Payload[1], p.TTL, vrid[s])
						}
					}
					got[s] += len(ps)
					total += len(ps)
				}
			}
			runtime.ReadMemStats(&after)
			for i, rx := range rxs {
				if got[rx] != each {
					t.Errorf("socket %d: %d adverts read, want %d", i, got[rx], each)
				}
			}
			if n := after.Mallocs - before.Mallocs; n > 4 {
				t.Errorf("%d allocations waiting and reading %d adverts", n, socks*each)
			}
			if _, err := NewFamilyReader(10-family, 1).PollFrom(rxs[0]); err == nil {
				t.Error("a reader of the other family read the socket")
			}

			// A removed socket's adverts stay queued, unreported.
			m.Remove(rxs[0])
			inject(t, injs[0], 1, 1, 255, groupOf(family))
			inject(t, injs[1], 1, 2, 255, groupOf(family))
			ready, err := m.Wait()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range ready {
				if s == rxs[0] {
					t.Fatal("a removed socket reported ready")
				}
			}

			done := make(chan error, 1)
			go func() {
				for {
					ready, err := m.Wait()
					if err != nil {
						done <- err
						return
					}
					for _, s := range ready {
						if _, err := r.PollFrom(s); err != nil {
							done <- err
							return
						}
					}
				}
			}()
			m.Close()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Wait still blocked 30 s after Close")
			}
			// Its descriptor's number may be another's now: no epoll_ctl.
			m.Remove(rxs[1])
			if err := m.Add(rxs[1]); err == nil {
				t.Error("Add on a closed Mux succeeded")
			}
		})
	}
}
