package daemon

import (
	"errors"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
)

// multiFake is several sockets on one fake clock for the one reader:
// Wait moves the clock to the next arrival on any socket and reports the
// sockets with packets queued.
type multiFake struct {
	clock time.Time
	socks []*vrrpnet.Socket
	fakes []*fakeSocket
	ready []*vrrpnet.Socket
}

func newMultiFake(offsets ...[]time.Duration) *multiFake {
	m := &multiFake{clock: epoch}
	for _, o := range offsets {
		m.socks, m.fakes = append(m.socks, &vrrpnet.Socket{}), append(m.fakes, newFakeSocket(o))
	}
	return m
}

func (m *multiFake) Wait() ([]*vrrpnet.Socket, error) {
	var next time.Time
	for _, f := range m.fakes {
		if f.next < len(f.arrivals) && (next.IsZero() || f.arrivals[f.next].Before(next)) {
			next = f.arrivals[f.next]
		}
	}
	if next.IsZero() {
		return nil, errors.New("closed")
	}
	if next.After(m.clock) {
		m.clock = next
	}
	m.ready = m.ready[:0]
	for i, f := range m.fakes {
		if f.next < len(f.arrivals) && !f.arrivals[f.next].After(m.clock) {
			m.ready = append(m.ready, m.socks[i])
		}
	}
	return m.ready, nil
}

func (m *multiFake) PollFrom(s *vrrpnet.Socket) ([]vrrpnet.Packet, error) {
	for i, x := range m.socks {
		if x == s {
			m.fakes[i].clock = m.clock
			return m.fakes[i].take(), nil
		}
	}
	return nil, errors.New("no such socket")
}

// runMulti runs the one reader over the sockets and returns each
// socket's deliveries and the sockets in delivery order, checking that every packet arrives once, in
// order, held no longer than coalesceGap.
func runMulti(t *testing.T, offsets ...[]time.Duration) ([][]delivery, []int) {
	t.Helper()
	m := newMultiFake(offsets...)
	got := make([][]delivery, len(m.socks))
	var order []int
	r := rxReader{src: m, batch: 16, now: func() time.Time { return m.clock },
		sleep: func(d time.Duration) { m.clock = m.clock.Add(d) },
		deliverTo: func(s *vrrpnet.Socket) func(*evPackets) *evPackets {
			for i, x := range m.socks {
				if x == s {
					return func(b *evPackets) *evPackets {
						got[i], order = append(got[i], delivery{m.clock, b.pkts}), append(order, i)
						return &evPackets{}
					}
				}
			}
			return nil
		}}
	r.run()
	for i, ds := range got {
		n := 0
		for _, d := range ds {
			for _, p := range d.pkts {
				if int(p.payload[0]) != n%256 || !p.at.Equal(m.fakes[i].arrivals[n]) {
					t.Fatalf("socket %d: packet %d delivered as %d", i, n, p.payload[0])
				}
				if held := d.at.Sub(p.at); held > coalesceGap {
					t.Errorf("socket %d: packet %d held %v, more than %v", i, n, held, coalesceGap)
				}
				n++
			}
		}
		if n != len(offsets[i]) {
			t.Errorf("socket %d: %d packets delivered of %d", i, n, len(offsets[i]))
		}
	}
	return got, order
}

// While one interface floods, a quiet one's adverts wait at most the
// gap, and the flood still comes in one event a gap.
func TestReaderFloodBesideQuiet(t *testing.T) {
	got, _ := runMulti(t, spaced(10000, 10*time.Microsecond), spaced(14, 7*time.Millisecond))
	if n := len(got[0]); n > 102 {
		t.Errorf("%d deliveries for 100 ms of flood, want at most one per %v after the first two", n, coalesceGap)
	}
	if len(got[1]) != 14 {
		t.Errorf("%d deliveries of the quiet socket's 14 adverts, want one each", len(got[1]))
	}
}

// A socket's long backlog does not hold back another's packet: each
// round takes at most maxDelivery from a socket, so the other's advert
// goes right after the backlog's first event.
func TestReaderBacklogBesideQuiet(t *testing.T) {
	got, order := runMulti(t, make([]time.Duration, 1000), []time.Duration{0})
	if len(got[1]) != 1 || len(order) < 2 || order[1] != 1 {
		t.Fatalf("deliveries by socket %v, want the quiet socket's second", order)
	}
	if want := (1000 + maxDelivery - 1) / maxDelivery; len(got[0]) != want {
		t.Errorf("%d deliveries of 1,000 queued packets, want %d", len(got[0]), want)
	}
}
