package daemon

import (
	"time"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
)

// Under a flood the reader woke once per packet: the kernel queued one,
// the poller readied the reader, the reader handed it to the loop and
// parked again, and each round trip cost a few microseconds of
// scheduler, futex and epoll work on two threads, for packets the loop
// then dropped in a microsecond (#16). So the reader drains every ready
// socket on each wake-up, and while packets keep coming closer together than
// coalesceGap it sleeps out the rest of the gap before it reads again,
// letting the kernel queue what arrives meanwhile: the loop gets one
// event per gap, whatever the rate. A quiet socket's packet is delivered
// at once. A packet that waits does so in the kernel's queue, where the
// loop's Poll still finds it before a master-down timer fires
// (timers.go's catchUp), and its arrival time is the kernel's stamp, so
// no timer moves.

// coalesceGap is the shortest time between two of the reader's rounds
// under a flood: 1,000 events a second at most, 100 packets each at 100 kpps,
// about 100 KiB of the receive buffer's DefaultReadBuffer.
const coalesceGap = time.Millisecond

// maxDelivery bounds the packets of one event, so that one delivery of
// a long backlog does not hold the loop for long, and the memory of the
// batches the reader and the loop pass between them (112 bytes a packet).
// A master of thousands of instances sends an interface's adverts in
// bursts of up to 255, so 128 takes such a burst in two events.
const maxDelivery = 128

// packetSource is every VRRP socket's reading: Wait blocks until one or
// more sockets have packets queued, PollFrom returns what one has queued
// without waiting.
type packetSource interface {
	Wait() ([]*vrrpnet.Socket, error)
	PollFrom(*vrrpnet.Socket) ([]vrrpnet.Packet, error)
}

// rxReader is the one reader goroutine of every VRRP socket (a goroutine,
// buffers and batches per socket cost about a megabyte at sixteen
// interfaces: docs/scale.md). batch is how many packets one PollFrom
// takes at most; deliverTo is a socket's delivery (nil once it is
// closed); now and sleep are the clock (time.Now and time.Sleep but in
// tests).
//
// Coalescing is the reader's, not a socket's: under a flood on one
// interface a packet on another may wait up to coalesceGap in its
// socket's queue, where the loop's Poll still finds it before a timer
// fires, stamped with its arrival.
type rxReader struct {
	src       packetSource
	batch     int
	deliverTo func(*vrrpnet.Socket) func(*evPackets) *evPackets
	now       func() time.Time
	sleep     func(time.Duration)
}

// run reads until the source closes, delivering what each ready socket
// had queued as one event.
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
		ready, err := r.src.Wait()
		if err != nil {
			return // closed: epoll_wait fails on nothing else
		}
		n, full := 0, false
		for _, s := range ready {
			var got int
			if b, got = r.drain(s, b); got >= maxDelivery {
				full = true
			}
			n += got
		}
		now := r.now()
		// Several packets at once, or a second wake-up within the gap:
		// more are coming. A full delivery is a backlog: no pause.
		flooding = !full && (n > 1 || (n == 1 && !last.IsZero() && now.Sub(last) < coalesceGap))
		if n > 0 {
			last = now
		}
	}
}

// drain delivers up to maxDelivery of s's queued packets in b and
// returns the batch to fill next and how many it delivered.
func (r rxReader) drain(s *vrrpnet.Socket, b *evPackets) (*evPackets, int) {
	deliver := r.deliverTo(s)
	if deliver == nil {
		return b, 0 // closed meanwhile
	}
	b.reset()
	for more := true; more && len(b.pkts) < maxDelivery; {
		pkts, err := r.src.PollFrom(s)
		if err != nil {
			break // closed
		}
		b.add(pkts)
		more = len(pkts) >= r.batch
	}
	n := len(b.pkts)
	if n == 0 {
		return b, 0
	}
	return deliver(b), n
}

// add copies packets out of a reader's buffers, which its next read
// reuses.
func (b *evPackets) add(pkts []vrrpnet.Packet) {
	for _, p := range pkts {
		b.put(rxPacket{payload: p.Payload, src: p.Src, dst: p.Dst, ttl: p.TTL, at: p.At, oversized: p.Truncated})
	}
}
