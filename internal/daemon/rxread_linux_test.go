package daemon

import (
	"errors"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
)

// fakeSocket is a socket on a fake clock: packets arrive at the times
// given; Wait waits (moves the clock) for the next one, PollFrom takes
// what has arrived; once every packet is read, Wait reports the reader
// closed.
type fakeSocket struct {
	clock    time.Time
	arrivals []time.Time
	next     int // the first packet not read
	batch    int
	bufs     [][]byte // one per batch slot, reused by the next read
	out      []vrrpnet.Packet
	ready    []*vrrpnet.Socket // what Wait returns: one socket
}

func (f *fakeSocket) take() []vrrpnet.Packet {
	out := f.out[:0]
	for f.next < len(f.arrivals) && !f.arrivals[f.next].After(f.clock) && len(out) < f.batch {
		buf := f.bufs[len(out)]
		buf[0] = byte(f.next)
		out = append(out, vrrpnet.Packet{Payload: buf, At: f.arrivals[f.next], Src: netip.MustParseAddr("192.0.2.9")})
		f.next++
	}
	f.out = out
	return out
}

func (f *fakeSocket) Wait() ([]*vrrpnet.Socket, error) {
	if f.next == len(f.arrivals) {
		return nil, errors.New("closed")
	}
	if at := f.arrivals[f.next]; at.After(f.clock) {
		f.clock = at
	}
	return f.ready, nil
}

func (f *fakeSocket) PollFrom(*vrrpnet.Socket) ([]vrrpnet.Packet, error) { return f.take(), nil }

// deliverTo is the reader's deliverTo for the one socket.
func deliverTo(d func(*evPackets) *evPackets) func(*vrrpnet.Socket) func(*evPackets) *evPackets {
	return func(*vrrpnet.Socket) func(*evPackets) *evPackets { return d }
}

type delivery struct {
	at   time.Time
	pkts []rxPacket
}

func newFakeSocket(offsets []time.Duration) *fakeSocket {
	f := &fakeSocket{clock: epoch, batch: 16, ready: []*vrrpnet.Socket{{}}}
	for range f.batch {
		f.bufs = append(f.bufs, make([]byte, 8))
	}
	for _, o := range offsets {
		f.arrivals = append(f.arrivals, epoch.Add(o))
	}
	return f
}

// runReader runs the reader over packets arriving at the given offsets
// from the epoch and returns its deliveries.
func runReader(t *testing.T, offsets []time.Duration) []delivery {
	t.Helper()
	f := newFakeSocket(offsets)
	var got []delivery
	delivered := 0
	sleep := func(d time.Duration) {
		// A packet waits in the kernel's queue, where the loop's Poll
		// finds it, never in the reader's hands.
		if f.next != delivered {
			t.Fatalf("the reader sleeps holding %d packets", f.next-delivered)
		}
		f.clock = f.clock.Add(d)
	}
	r := rxReader{src: f, batch: f.batch, now: func() time.Time { return f.clock }, sleep: sleep,
		deliverTo: deliverTo(func(b *evPackets) *evPackets {
			got, delivered = append(got, delivery{f.clock, b.pkts}), delivered+len(b.pkts)
			return &evPackets{} // the loop keeps b
		})}
	r.run()
	// Every packet once, in order, with its own bytes and arrival time,
	// never held longer than the gap.
	i := 0
	for _, d := range got {
		for _, p := range d.pkts {
			if int(p.payload[0]) != i%256 || !p.at.Equal(f.arrivals[i]) {
				t.Fatalf("packet %d delivered as %d arriving %v", i, p.payload[0], p.at.Sub(epoch))
			}
			if held := d.at.Sub(p.at); held > coalesceGap {
				t.Errorf("packet %d held %v, more than %v", i, held, coalesceGap)
			}
			i++
		}
	}
	if i != len(offsets) {
		t.Fatalf("%d packets delivered of %d", i, len(offsets))
	}
	return got
}

func spaced(n int, gap time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i) * gap
	}
	return out
}

// On a quiet socket each packet goes to the loop the moment it arrives.
func TestReaderQuietDeliversAtOnce(t *testing.T) {
	for _, d := range runReader(t, spaced(50, 100*time.Millisecond)) {
		if len(d.pkts) != 1 || !d.at.Equal(d.pkts[0].at) {
			t.Fatalf("delivery at %v of %d packets, want each alone on arrival", d.at.Sub(epoch), len(d.pkts))
		}
	}
}

// Under a 100 kpps flood the loop gets one event per coalesceGap, not
// one per packet (#16: a wake-up per packet was the flood's cost).
func TestReaderFloodCoalesces(t *testing.T) {
	got := runReader(t, spaced(10000, 10*time.Microsecond)) // 100 ms
	if n := len(got); n > 102 {
		t.Errorf("%d deliveries for 100 ms of flood, want at most one per %v after the first two (102)", n, coalesceGap)
	}
	// The first two packets go at once: the second tells the flood.
	for i := 2; i < len(got); i++ {
		if gap := got[i].at.Sub(got[i-1].at); gap < coalesceGap {
			t.Errorf("deliveries %d and %d %v apart", i-1, i, gap)
		}
	}
}

// A backlog longer than one delivery drains without pausing between its
// deliveries.
func TestReaderBacklogDrains(t *testing.T) {
	got := runReader(t, make([]time.Duration, 1000)) // all queued at once
	if want := (1000 + maxDelivery - 1) / maxDelivery; len(got) != want {
		t.Fatalf("%d deliveries of 1,000 queued packets, want %d of at most %d", len(got), want, maxDelivery)
	}
	for _, d := range got {
		if !d.at.Equal(epoch) {
			t.Errorf("delivery at %v: the backlog waited", d.at.Sub(epoch))
		}
	}
}

// The reader's steady state allocates nothing: each delivery reuses a
// batch the loop gave back, whether reads come one packet at a time or
// in a flood's coalesced batches.
func TestReaderAllocs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		offsets []time.Duration
	}{
		{"quiet", spaced(2000, 10*time.Millisecond)},
		{"flood", spaced(20000, 10*time.Microsecond)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSocket(tc.offsets)
			deliveries, packets := 0, 0
			r := rxReader{src: f, batch: f.batch, now: func() time.Time { return f.clock },
				sleep: func(d time.Duration) { f.clock = f.clock.Add(d) },
				deliverTo: deliverTo(func(b *evPackets) *evPackets {
					// The loop handles it and gives it back by the next read.
					deliveries, packets = deliveries+1, packets+len(b.pkts)
					return b
				})}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			r.run()
			runtime.ReadMemStats(&after)
			if packets != len(tc.offsets) {
				t.Fatalf("%d packets delivered of %d", packets, len(tc.offsets))
			}
			// The first deliveries' growth (to maxDelivery packets in a
			// flood), and whatever another goroutine allocated meanwhile.
			if n := after.Mallocs - before.Mallocs; n > 30 {
				t.Errorf("%d allocations for %d deliveries of %d packets, want the first's only", n, deliveries, packets)
			}
		})
	}
}
