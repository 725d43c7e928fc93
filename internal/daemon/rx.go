package daemon

import (
	"errors"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
	"github.com/govrrpd/govrrpd/vrrp"
)

type sockKey struct {
	ifname string
	family int
}

// socket is one protocol-112 socket shared by every instance on its
// interface and family (keepalived's sockpool).
type socket struct {
	key    sockKey
	t      transport
	insts  []*instance
	refs   int
	groups map[netip.Addr]bool
	// drops counts packets dropped before any instance could be named:
	// undecodable, or for a VRID nobody here serves.
	drops map[string]uint64
	// queued are the adverts waiting in t's batch (sendbatch.go).
	queued []queuedAdvert
	// filter is the VRID list of the kernel prefilter installed (nil:
	// none yet); stale is set while the socket waits in pending, the
	// daemon's list of sockets whose instances changed (filter.go).
	filter  []uint8
	stale   bool
	pending *[]*socket
	// kseen is the prefilter's drop counts at the last fold.
	kseen vrrpnet.KernelDrops
	// free holds handled reads for the reader's next ones (events): the
	// daemon's rxFree, shared by every socket as their reader is.
	free chan *evPackets
	// onRefused marks a refused advert of queued (sendbatch.go), made
	// once: a closure per flush escaped, a thousand times a second.
	onRefused func(i int, err error)
}

func (d *Daemon) socket(ifname string, family int) (*socket, error) {
	k := sockKey{ifname, family}
	if s, ok := d.socks[k]; ok {
		s.refs++
		return s, nil
	}
	if d.rxFree == nil {
		d.rxFree = make(chan *evPackets, pooledReads)
	}
	s := &socket{key: k, refs: 1, groups: map[netip.Addr]bool{}, pending: &d.refilter, free: d.rxFree}
	s.onRefused = func(i int, _ error) { s.queued[i].refused = true }
	t, err := d.sys.OpenTransport(ifname, family, func(b *evPackets) *evPackets {
		b.sock, b.free = s, s.free
		d.events <- b
		return s.fresh()
	})
	if err != nil {
		return nil, err
	}
	s.t = t
	d.socks[k] = s
	return s, nil
}

// pooledReads is how many handled reads the daemon keeps for its reader
// (one for every socket: ports_linux.go). The loop handles a read as
// soon as it can, but one round of the reader over every ready socket
// puts up to one read a socket in flight (all sixteen when a master's
// bursts reach every interface at once), and one more would be garbage:
// the pool keeps as many as were ever in flight together, up to one per
// socket the reader's Wait reports. A pool a socket kept three at most
// each, 48 at sixteen interfaces (~0.7 MB after bursts).
const pooledReads = 32

// fresh is an empty batch for the reader: a handled one (of any socket),
// or a new one.
func (s *socket) fresh() *evPackets {
	select {
	case b := <-s.free:
		return b
	default:
		return &evPackets{}
	}
}

// maxKeptPayload bounds the payload memory a batch keeps for reuse: a
// burst of minimum-size adverts fills maxDelivery packets with 5 KiB; a
// delivery of long datagrams (up to 1,152 bytes each) leaves its memory
// to the collector.
const maxKeptPayload = 16 << 10

// reset empties the batch, keeping its memory unless long datagrams
// grew it past maxKeptPayload.
func (b *evPackets) reset() {
	if cap(b.buf) > maxKeptPayload {
		b.buf = nil
	}
	b.buf, b.pkts = b.buf[:0], b.pkts[:0]
}

// put appends a copy of p, its payload in the batch's own memory.
func (b *evPackets) put(p rxPacket) {
	n := len(p.payload)
	if cap(b.buf)-len(b.buf) < n {
		// A new array: the payloads already in keep the old one.
		b.buf = make([]byte, 0, max(n, 2*cap(b.buf), 512))
	}
	b.buf = append(b.buf, p.payload...)
	p.payload = b.buf[len(b.buf)-n : len(b.buf) : len(b.buf)]
	b.pkts = append(b.pkts, p)
}

// release gives a handled batch back to its socket for the reader's next
// read, unless the socket has enough.
func (b *evPackets) release() {
	if b.free == nil {
		return
	}
	b.reset()
	select {
	case b.free <- b:
	default:
	}
}

// packet is what the loop knows of a received packet.
func (s *socket) packet(p *rxPacket) evPacket {
	n := len(p.payload)
	return evPacket{sock: s, at: p.at, data: p.payload, oversized: p.oversized,
		rx: vrrp.RxFacts{Src: p.src, Dst: p.dst, TTL: uint8(p.ttl), TotalLen: n, RxLen: n}}
}

// join joins a multicast group once per socket, whichever instances ask.
func (s *socket) join(g netip.Addr) error {
	if s.groups[g] {
		return nil
	}
	if err := s.t.Join(g); err != nil {
		return err
	}
	s.groups[g] = true
	return nil
}

func (d *Daemon) releaseSocket(s *socket) {
	s.refs--
	if s.refs > 0 {
		return
	}
	s.t.Close()
	delete(d.socks, s.key)
}

func (s *socket) remove(in *instance) {
	for i, x := range s.insts {
		if x == in {
			s.insts = append(s.insts[:i], s.insts[i+1:]...)
			s.refilter()
			return
		}
	}
}

func (s *socket) add(in *instance) {
	s.insts = append(s.insts, in)
	s.refilter()
}

func (d *Daemon) closeSockets() {
	for k, s := range d.socks {
		s.t.Close()
		delete(d.socks, k)
	}
}

// garpShare is the GARP/NA sender of one interface, shared by every
// instance whose addresses go there.
type garpShare struct {
	ifname string
	a      announcer
	refs   int
}

func (d *Daemon) garpFor(ifname string) (*garpShare, error) {
	if g, ok := d.garps[ifname]; ok {
		g.refs++
		return g, nil
	}
	a, err := d.sys.OpenAnnouncer(ifname)
	if err != nil {
		return nil, err
	}
	g := &garpShare{ifname: ifname, a: a, refs: 1}
	d.garps[ifname] = g
	return g, nil
}

func (d *Daemon) releaseGarp(g *garpShare) {
	g.refs--
	if g.refs > 0 {
		return
	}
	g.a.Close()
	delete(d.garps, g.ifname)
}

// Drop labels beyond vrrp.RxReason's names: the decoder's length errors
// split as the reliability issue asks.
const (
	dropTruncated = "truncated" // shorter than a VRRP header
	dropOversized = "oversized" // more addresses than fit
)

// dropLabel names why a packet that did not decode was dropped.
func dropLabel(err error) string {
	switch {
	case errors.Is(err, vrrp.ErrTruncated):
		return dropTruncated
	case errors.Is(err, vrrp.ErrAddrCount):
		return dropOversized
	}
	return vrrp.DecodeReason(err).String()
}

// dropped counts a drop on the instance, or on the socket when no
// instance is named, and logs it through the drop limiter (-D only).
func (d *Daemon) dropped(e evPacket, in *instance, label string) {
	if in != nil {
		countDrop(&in.stats.drops, label)
	} else {
		countDrop(&e.sock.drops, label)
	}
	d.pktLog.drop(in, label, e.rx.Src)
}

func countDrop(m *map[string]uint64, label string) { addDrops(m, label, 1) }

// receive decodes, finds the instance by VRID, applies the receive checks
// and feeds an accepted advert to the machine. Every drop is counted by
// reason, on the instance when the VRID names one, else on the socket;
// none is logged per packet (a flood would fill the disk): with -D, the
// first of a kind is, then a count per window (pktlog.go).
func (d *Daemon) receive(now time.Time, e evPacket) {
	if e.oversized {
		d.dropped(e, e.sock.byVRID(vrridOf(e.data)), dropOversized)
		return
	}
	var adv vrrp.Advert
	_, trailer, err := adv.UnmarshalAuth(e.data, e.rx.Src, e.rx.Dst)
	if err != nil {
		d.dropped(e, e.sock.byVRID(vrridOf(e.data)), dropLabel(err))
		return
	}
	in := e.sock.byVRID(adv.VRID)
	if in == nil {
		d.dropped(e, nil, vrrp.RxVRID.String())
		return
	}
	// Multicast loopback is off, but a bridged or hairpinned segment can
	// still bring our own adverts back.
	if in.stopped || e.rx.Src == in.source() {
		return
	}
	// An auth_hmac trailer is not part of the VRRP message the receive
	// checks judge; it is verified after them (authhmac.go).
	msg := e.data[:len(e.data)-len(trailer)]
	e.rx.TotalLen -= len(trailer)
	e.rx.RxLen -= len(trailer)
	r := vrrp.CheckAdvert(in.cfg, &adv, &e.rx, in.lastMaster)
	if r == vrrp.RxOK {
		r = in.checkAuthHMAC(now, e.rx.Src, msg, trailer)
	}
	if r != vrrp.RxOK {
		d.dropped(e, in, r.String())
		return
	}
	in.stats.advertRcvd++
	if adv.Priority == 0 {
		in.stats.priZeroRcvd++
	}
	in.lastMaster, in.masterPrio, in.lastAdvert = e.rx.Src, adv.Priority, now
	in.masterInt = adv.IntervalDuration()
	d.feed(in, now, vrrp.AdvertReceived(e.rx.Src, adv.Priority, adv.IntervalDuration(), int(adv.Version)))
}

// vrridOf is the VRID byte of a packet long enough to have one (0: none,
// which no instance has).
func vrridOf(b []byte) uint8 {
	if len(b) < 2 {
		return 0
	}
	return b[1]
}

func (s *socket) byVRID(vrid uint8) *instance {
	for _, in := range s.insts {
		if in.cfg.VRID == vrid {
			return in
		}
	}
	return nil
}
