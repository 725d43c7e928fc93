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
// a long backlog does not hold the loop for long, and the memory of the
// batches the reader and the loop pass between them (112 bytes a packet).
// A master of thousands of instances sends an interface's adverts in
// bursts of up to 255, so 128 takes such a burst in two events.
const maxDelivery = 128

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
	deliver func(*evPackets) *evPackets
	now     func() time.Time
	sleep   func(time.Duration)
}

func readLoop(src packetSource, batch int, deliver func(*evPackets) *evPackets) {
	rxReader{src, batch, deliver, time.Now, time.Sleep}.run()
}

// run reads until the socket closes, delivering what each wake-up
// drained as one event.
func (r rxReader) run() {
	var last time.Time
	flooding := false
	b := &evPackets{} // deliver keeps it and gives back the next
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
		for more := len(pkts) >= r.batch; more && len(b.pkts) < maxDelivery; more = len(pkts) >= r.batch {
			if pkts, err = r.src.Poll(); err != nil {
				break // closed: the next Read says so
			}
			b.add(pkts)
		}
		now := r.now()
		// Several packets at once, or a second wake-up within the gap:
		// more are coming. A full delivery is a backlog: no pause.
		flooding = len(b.pkts) < maxDelivery && (len(b.pkts) > 1 || (!last.IsZero() && now.Sub(last) < coalesceGap))
		last = now
		b = r.deliver(b)
	}
}

// add copies packets out of a reader's buffers, which its next read
// reuses.
func (b *evPackets) add(pkts []vrrpnet.Packet) {
	for _, p := range pkts {
		b.put(rxPacket{payload: p.Payload, src: p.Src, dst: p.Dst, ttl: p.TTL, at: p.At, oversized: p.Truncated})
	}
}
