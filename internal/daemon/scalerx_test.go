package daemon

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// A backup of thousands of instances hears thousands of adverts a second.
// Whatever it allocates per advert is garbage the collector must chase at
// that rate: 3 MB a second at 4,080 backups kept the backup's heap at its
// memory limit and collecting every second (docs/scale.md). These run the
// receive path as the socket reader feeds it — the transport's deliver
// callback, the loop's queue, the event, decode, checks, the machine —
// on the fake ports.

// peerReads are a master's adverts for every instance of h, by interface,
// as the reader delivers them.
type peerReads struct {
	ts   []*fakeTransport
	pkts [][]rxPacket // by interface, in VRID order
	next []*evPackets // by interface: the reader's batch for its next read
}

// peerAdverts builds the adverts a master at priority 150 (198.19.I.2 on
// interface sbI) sends for each of h's instances.
func peerAdverts(t testing.TB, h *harness, links int) *peerReads {
	p := &peerReads{ts: make([]*fakeTransport, links), pkts: make([][]rxPacket, links), next: make([]*evPackets, links)}
	for i := range links {
		s := h.d.socks[sockKey{fmt.Sprintf("sb%d", i), 4}]
		if s == nil {
			t.Fatalf("no socket on sb%d", i)
		}
		p.ts[i], p.next[i] = s.t.(*fakeTransport), &evPackets{}
		src, dst := netip.MustParseAddr(fmt.Sprintf("198.19.%d.2", i)), vrrp.Group(vrrp.IPv4)
		for _, in := range s.insts {
			a := vrrp.Advert{Version: 2, VRID: in.cfg.VRID, Priority: 150, Interval: 1}
			if err := a.SetAddrs(vipsOf(in)); err != nil {
				t.Fatal(err)
			}
			b, err := a.AppendTo(nil, src, dst, vrrp.ChecksumDefault)
			if err != nil {
				t.Fatal(err)
			}
			p.pkts[i] = append(p.pkts[i], rxPacket{payload: b, src: src, dst: dst, ttl: 255})
		}
	}
	return p
}

// backupSecond delivers one second of the master's adverts, perRead to
// a read, each read's packets gathered by the reader into its batch and
// handed over through the transport's callback, the loop handling what
// it queued, and returns the adverts the backups accepted and the heap
// allocations that took. A master's adverts leave on a 10 ms grid
// (timers.go): a few an interface at each grid point once spread, and
// up to the whole interface's at once after a mass takeover, which the
// reader delivers maxDelivery at a time.
func backupSecond(h *harness, p *peerReads, perRead int) (received, mallocs uint64) {
	count := func() (n uint64) {
		for _, in := range h.d.insts {
			n += in.stats.advertRcvd
		}
		return n
	}
	got := count()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	reads := (len(p.pkts[0]) + perRead - 1) / perRead
	for slot := range reads {
		for i, t := range p.ts {
			ps := p.pkts[i]
			b := p.next[i]
			b.reset()
			for _, pk := range ps[slot*perRead : min((slot+1)*perRead, len(ps))] {
				pk.at = h.clock
				b.put(pk)
			}
			p.next[i] = t.deliver(b)
		}
		for len(h.d.events) > 0 {
			h.d.handle(<-h.d.events)
		}
		h.advance(time.Second / time.Duration(reads))
	}
	runtime.ReadMemStats(&after)
	return count() - got, after.Mallocs - before.Mallocs
}

// backupsHearing starts links × vrids backups and runs them for three
// seconds hearing their master: every instance BACKUP, past its start.
func backupsHearing(t testing.TB, links, vrids int) (*harness, *peerReads) {
	h := buildHarness(t, scaleConf(links, vrids, 100), scaleIfaces(links)...)
	h.log.off = true
	h.start()
	p := peerAdverts(t, h, links)
	for range 3 {
		backupSecond(h, p, 3)
	}
	for _, in := range h.d.insts {
		if in.m.State() != vrrp.StateBackup {
			t.Fatalf("%s is %s hearing a master at 150, want BACKUP", in.cfg.Name, in.m.State())
		}
	}
	return h, p
}

// A backup's steady state (an advert a second for each of thousands of
// instances) allocates nothing: its collector then has no work, and its
// heap no garbage between collections.
func TestScaleBackupAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 4,080 instances")
	}
	h, p := backupsHearing(t, 16, 255)
	for _, tc := range []struct {
		name    string
		perRead int
	}{{"spread", 3}, {"bursts", maxDelivery}} {
		// The count is the process's: the least of three seconds leaves
		// out what another goroutine allocated meanwhile.
		var received, mallocs uint64
		for i := range 3 {
			r, m := backupSecond(h, p, tc.perRead)
			if r != 4080 {
				t.Fatalf("%s: %d adverts accepted in a second by 4,080 backups", tc.name, r)
			}
			if i == 0 || m < mallocs {
				received, mallocs = r, m
			}
		}
		if perAdvert := float64(mallocs) / float64(received); perAdvert > 0.05 {
			t.Errorf("%s: %.2f allocations per received advert (%d for %d), want none", tc.name, perAdvert, mallocs, received)
		}
	}
}

// BenchmarkScaleBackupSecond is the executor's CPU for one second of
// 4,080 backups hearing their master, without the system calls (fake
// ports): ns and allocations per received advert.
func BenchmarkScaleBackupSecond(b *testing.B) {
	for _, perRead := range []int{3, maxDelivery} {
		b.Run(fmt.Sprintf("perRead=%d", perRead), func(b *testing.B) {
			h, p := backupsHearing(b, 16, 255)
			b.ResetTimer()
			var received, mallocs uint64
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range b.N {
				r, m := backupSecond(h, p, perRead)
				received, mallocs = received+r, mallocs+m
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(received), "ns/advert")
			b.ReportMetric(float64(mallocs)/float64(received), "allocs/advert")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(received), "B/advert")
		})
	}
}
