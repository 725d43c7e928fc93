package vrrpnet

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// TestPollReadsQueuedWithoutWaiting: Poll returns what is queued, each
// packet with its kernel receive time and sender, and returns at once on
// an empty socket, even while another reader is blocked in Read on it
// (the daemon's reader goroutine always is).
func TestPollReadsQueuedWithoutWaiting(t *testing.T) {
	for _, family := range []int{4, 6} {
		t.Run(fmt.Sprintf("IPv%d", family), func(t *testing.T) {
			rx, inj, _ := pair(t, fmt.Sprintf("poll%d", family), family)
			group, src := Group4, netip.MustParseAddr("192.0.2.2")
			if family == 6 {
				group, src = Group6, netip.MustParseAddr("2001:db8::2")
			}
			waitStamping(t, rx, func() { inject(t, inj, 1, 1, 255, group) })
			drain(t, rx)
			sent := time.Now()
			inject(t, inj, 3, 7, 255, group)
			var got []Packet
			r := rx.NewReader(4)
			for deadline := time.Now().Add(5 * time.Second); len(got) < 3 && time.Now().Before(deadline); {
				ps, err := r.Poll()
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range ps {
					p.Payload = append([]byte(nil), p.Payload...)
					got = append(got, p)
				}
				time.Sleep(5 * time.Millisecond)
			}
			if len(got) != 3 {
				t.Fatalf("Poll returned %d of 3 queued packets", len(got))
			}
			polled := time.Now()
			for i, p := range got {
				if p.Payload[1] != 7 || p.TTL != 255 || p.Src.Unmap() != src || p.Dst != group {
					t.Errorf("packet %d: vrid %d ttl %d src %v dst %v", i, p.Payload[1], p.TTL, p.Src, p.Dst)
				}
				if p.At.Before(sent) || p.At.After(polled) {
					t.Errorf("packet %d: arrival %v after the send, %v before the last poll", i, p.At.Sub(sent), polled.Sub(p.At))
				}
			}
			blocked := make(chan error, 1)
			go func() { _, err := rx.NewReader(1).Read(); blocked <- err }()
			done := make(chan error, 1)
			go func() { ps, err := r.Poll(); done <- fmt.Errorf("%d packets, err %v", len(ps), err) }()
			select {
			case e := <-done:
				if e.Error() != "0 packets, err <nil>" {
					t.Errorf("Poll on an empty socket: %v", e)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Poll on an empty socket waited for a packet")
			}
			inject(t, inj, 1, 1, 255, group) // releases the blocked reader
			if err := <-blocked; err != nil {
				t.Fatal(err)
			}
		})
	}
}
