package vrrpnet

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

// BenchmarkFloodReceive floods a receiver in its own namespace with adverts
// as fast as one injector sends them, with the kernel's default receive
// buffer or DefaultReadBuffer, reading one packet or up to 64 per system
// call, and reports the share received and the packets per read (root;
// #16 saw 20–35 % die at the socket at 60–78 kpps):
//
//	go test ./internal/vrrpnet -run '^$' -bench FloodReceive -benchtime 3x
func BenchmarkFloodReceive(b *testing.B) {
	i := 0
	for _, buf := range []int{212992, DefaultReadBuffer} {
		for _, batch := range []int{1, 64} {
			i++
			b.Run(fmt.Sprintf("rcvbuf=%d/batch=%d", buf, batch), func(b *testing.B) {
				floodOnce(b, fmt.Sprintf("fl%d", i), buf, batch)
			})
		}
	}
}

func floodOnce(b *testing.B, tag string, buf, batch int) {
	rx, inj, _ := pair(b, tag, 4)
	if _, err := rx.SetReadBuffer(buf / 2); err != nil { // the kernel doubles it
		b.Fatal(err)
	}
	const n = 20000
	var got, reads int
	start := time.Now()
	for range b.N {
		done := make(chan [2]int)
		go func() {
			r := rx.NewReader(batch)
			var g, k int
			for {
				_ = rx.raw.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
				ps, err := r.Read()
				if errors.Is(err, os.ErrDeadlineExceeded) {
					break
				}
				g, k = g+len(ps), k+1
			}
			done <- [2]int{g, k}
		}()
		inject(b, inj, n, 1, 255, Group4)
		x := <-done
		got, reads = got+x[0], reads+x[1]
	}
	b.ReportMetric(100*float64(got)/float64(n*b.N), "received-%")
	b.ReportMetric(float64(got)/float64(max(reads, 1)), "pkts/read")
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds()/1000, "offered-kpps")
}
