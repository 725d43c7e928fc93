package daemon

import (
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Thousands of masters started together advertise within the same
// millisecond, every second. The periodic adverts that one pass of the
// timer loop sends are queued per socket and leave in one sendmmsg each
// (flushSends), not one system call apiece: the send path was most of a
// master's CPU at 4,080 instances. Only adverts of the advert timer are
// queued: a takeover's first advert, a resignation and an answer to a
// peer go out at once, and the queue is flushed before the loop does
// anything else, so an advert waits at most for its neighbours' encoding.

// queuedAdvert is an advert waiting in its socket's batch.
type queuedAdvert struct {
	in      *instance
	dst     netip.Addr
	prio    uint8
	refused bool // by the kernel at the flush
}

// maxBatch bounds a socket's queue. A batch keeps its buffers from one
// flush to the next, about 200 bytes an advert with the queue's own
// entry, so a queue of every instance of an interface held a megabyte at
// 4,080 instances for a second's worth of system calls: 64 adverts a
// sendmmsg cost four calls where one did, on 255 instances.
const maxBatch = 64

func (d *Daemon) queueAdvert(in *instance, b []byte, dst netip.Addr, prio uint8) {
	s := in.sock
	if len(s.queued) == 0 {
		d.unflushed = append(d.unflushed, s)
	}
	s.t.Queue(b, in.source(), dst)
	s.queued = append(s.queued, queuedAdvert{in: in, dst: dst, prio: prio})
	if len(s.queued) >= maxBatch {
		d.flushSocket(s)
	}
}

// feedTimer fires timer id of in, queueing the adverts it sends when it
// is the advert timer, and flushing the queue first otherwise.
func (d *Daemon) feedTimer(in *instance, id vrrp.TimerID, now time.Time) {
	if id != vrrp.TimerAdvert {
		d.flushSends()
		d.feed(in, now, vrrp.TimerFired(id))
		return
	}
	d.batching = true
	d.feed(in, now, vrrp.TimerFired(id))
	d.batching = false
}

// flushSends sends every queued advert and counts them to their
// instances; a failed send is logged once per socket, with what it cost.
func (d *Daemon) flushSends() {
	for _, s := range d.unflushed {
		d.flushSocket(s)
	}
	clear(d.unflushed)
	d.unflushed = d.unflushed[:0]
}

// flushSocket sends s's queue. A socket flushed at maxBatch is listed in
// unflushed again by its next advert; its empty turn is skipped.
func (d *Daemon) flushSocket(s *socket) {
	if len(s.queued) == 0 {
		return
	}
	// A refused advert costs its own instance only: the batch goes on
	// past it (one ENOBUFS must not silence every master behind it).
	_, err := s.t.Flush(s.onRefused)
	unsent, first := 0, -1
	for i, q := range s.queued {
		if q.refused {
			if first < 0 {
				first = i
			}
			unsent++
			continue
		}
		q.in.countSent(q.prio)
	}
	if err != nil && first >= 0 {
		d.pktLog.Warn("send adverts", "interface", s.key.ifname, "unsent", unsent,
			"first", s.queued[first].in.cfg.Name, "to", s.queued[first].dst, "err", err)
	}
	clear(s.queued)
	s.queued = s.queued[:0]
}
