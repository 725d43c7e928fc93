package daemon

import (
	"time"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
)

// Under a flood the reader woke once per packet: the kernel queued one,
// the poller readied the reader, the reader handed it to the loop and
// parked again, and each round trip cost a few microseconds of
// scheduler, futex and epoll work on two threads — most of the daemon's
// CPU at 50 kpps (#16), for packets the loop then dropped in a
// microsecond. So the reader drains the socket on every wake-up, and
// when the wake-ups come closer together than coalesceGap it waits out
// the rest of the gap first, letting the kernel queue what arrives
// meanwhile: the loop gets one event per gap, whatever the rate. A
// quiet socket's first packet is delivered at once; a coalesced one is
// late by at most the gap, and its arrival time is the kernel's stamp,
// so no timer moves.

// coalesceGap is the shortest time between two deliveries of a socket's
// packets: 1,000 events a second at most, 100 packets each at 100 kpps,
// about 100 KiB of the receive buffer's DefaultReadBuffer.
const coalesceGap = time.Millisecond

// maxDelivery bounds the packets of one event, so that one delivery of
// a long backlog does not hold the loop for long.
const maxDelivery = 256

// packetSource is a socket's reader: Read blocks for at least one
// packet, Poll returns what is queued without waiting.
type packetSource interface {
	Read() ([]vrrpnet.Packet, error)
	Poll() ([]vrrpnet.Packet, error)
}

// rxReader is a socket's reader goroutine; batch is how many packets
// one Read takes at most; now and sleep are the clock (time.Now and
// time.Sleep but in tests).
type rxReader struct {
	src     packetSource
	batch   int
	deliver func([]rxPacket)
	now     func() time.Time
	sleep   func(time.Duration)
}

func readLoop(src packetSource, batch int, deliver func([]rxPacket)) {
	rxReader{src, batch, deliver, time.Now, time.Sleep}.run()
}

// run reads until the socket closes. A packet that comes within
// coalesceGap of the last delivery is held until the gap has passed,
// and the socket drained then: what arrived meanwhile goes with it.
func (r rxReader) run() {
	var last time.Time
	for {
		pkts, err := r.src.Read()
		if err != nil {
			return // closed
		}
		var b rxBatch
		b.add(pkts)
		more := len(pkts) >= r.batch // the read may have left some
		if wait := coalesceGap - r.now().Sub(last); !last.IsZero() && wait > 0 {
			r.sleep(wait)
			more = true
		}
		for more && len(b.out) < maxDelivery {
			if pkts, err = r.src.Poll(); err != nil || len(pkts) == 0 {
				break // a closed socket: the next Read says so
			}
			b.add(pkts)
		}
		last = r.now()
		if len(b.out) >= maxDelivery {
			last = time.Time{} // a backlog: keep draining without a pause
		}
		r.deliver(b.out)
	}
}

// rxBatch copies packets out of a reader's buffers, which the next read
// reuses, into memory the loop may keep.
type rxBatch struct {
	buf []byte
	out []rxPacket
}

func (b *rxBatch) add(pkts []vrrpnet.Packet) {
	n := 0
	for _, p := range pkts {
		n += len(p.Payload)
	}
	if cap(b.buf)-len(b.buf) < n {
		// A new array: the payloads already out keep the old one.
		b.buf = make([]byte, 0, max(n, 2*cap(b.buf)))
	}
	for _, p := range pkts {
		b.buf = append(b.buf, p.Payload...)
		b.out = append(b.out, rxPacket{payload: b.buf[len(b.buf)-len(p.Payload) : len(b.buf) : len(b.buf)],
			src: p.Src, dst: p.Dst, ttl: p.TTL, at: p.At, oversized: p.Truncated})
	}
}
