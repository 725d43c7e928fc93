package daemon

import (
	"time"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
)

// Under a flood the reader woke once per packet: the kernel queued one,
// the poller readied the reader, the reader handed it to the loop and
// parked again, and each round trip cost a few microseconds of
// scheduler, futex and epoll work on two threads, for packets the loop
// then dropped in a microsecond (#16). So the reader drains the socket
// on every wake-up, and while packets keep coming closer together than
// coalesceGap it sleeps out the rest of the gap before it reads again,
// letting the kernel queue what arrives meanwhile: the loop gets one
// event per gap, whatever the rate. A quiet socket's packet is delivered
// at once. A packet that waits does so in the kernel's queue, where the
// loop's Poll still finds it before a master-down timer fires
// (timers.go's catchUp), and its arrival time is the kernel's stamp, so
// no timer moves.

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

// run reads until the socket closes, delivering what each wake-up
// drained as one event.
func (r rxReader) run() {
	var last time.Time
	flooding := false
	var b rxBatch // deliver copies what it keeps: one batch serves every read
	for {
		if flooding {
			if wait := coalesceGap - r.now().Sub(last); wait > 0 {
				r.sleep(wait)
			}
		}
		pkts, err := r.src.Read()
		if err != nil {
			return // closed
		}
		b.reset()
		b.add(pkts)
		for more := len(pkts) >= r.batch; more && len(b.out) < maxDelivery; more = len(pkts) >= r.batch {
			if pkts, err = r.src.Poll(); err != nil {
				break // closed: the next Read says so
			}
			b.add(pkts)
		}
		now := r.now()
		// Several packets at once, or a second wake-up within the gap:
		// more are coming. A full delivery is a backlog: no pause.
		flooding = len(b.out) < maxDelivery && (len(b.out) > 1 || (!last.IsZero() && now.Sub(last) < coalesceGap))
		last = now
		r.deliver(b.out)
	}
}

// rxBatch gathers the packets of several reads (a read and the polls
// that drain the socket after it) out of the reader's buffers, which each
// read reuses, into one delivery.
type rxBatch struct {
	buf []byte
	out []rxPacket
}

// maxKeptPayload bounds the payload memory a reader keeps from one
// delivery to the next: a flood of minimum-size adverts fills maxDelivery
// packets with about 10 KiB and allocates nothing from then on; a
// delivery of long datagrams (up to 2 KiB each) leaves its memory to the
// collector.
const maxKeptPayload = 16 << 10

// reset empties the batch for the next delivery, keeping its memory
// unless long datagrams grew it past maxKeptPayload.
func (b *rxBatch) reset() {
	if cap(b.buf) > maxKeptPayload {
		b.buf = nil
	}
	b.buf, b.out = b.buf[:0], b.out[:0]
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
