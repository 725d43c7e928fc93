package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/internal/garp"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/internal/vrrpnet"
	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// callLog is what the fake ports were asked to do, one line per call,
// stamped with the fake clock relative to the start.
type callLog struct {
	lines []string
	now   func() time.Time
	start time.Time
	// off keeps no lines and the fakes no records: the memory tests
	// measure the daemon, not its call log.
	off bool
}

func (l *callLog) add(format string, args ...any) {
	if l.off {
		return
	}
	t := l.now().Sub(l.start)
	l.lines = append(l.lines, fmt.Sprintf("%9.4f ", t.Seconds())+fmt.Sprintf(format, args...))
}

// fakeSys is the OS: interfaces with their primary addresses, a record of
// the addresses installed, and the VIP adds that must fail.
type fakeSys struct {
	log     *callLog
	links   map[string]bool       // existing interfaces and whether they are up
	primary map[string]netip.Addr // the interface's first address
	addrs   map[string][]netip.Prefix
	failAdd map[netip.Prefix]bool
	open    int // transports and announcers open
	// flushes counts batch flushes (system calls) and flushed the
	// adverts they carried.
	flushes, flushed int
	maxFlush         int // the most adverts one flush carried
	// flushRefuses, when set, makes every flush refuse the advert at that
	// index (the kernel's ENOBUFS); the rest still go. refusedVRIDs
	// names each refused advert as interface/VRID.
	flushRefuses *int
	refusedVRIDs []string
	onLink       func(string, bool)
	onAddr       func(string)
	// addHook, when set, runs inside every AddAddr: the time a netlink
	// round trip takes, and what arrives meanwhile.
	addHook func(dev string, a vrrp.Address)
	// filters is each transport's kernel prefilter (VRIDs) by interface;
	// filterErr, when set, is what installing one returns.
	filters   map[string][]uint8
	filterErr error
	// kernelDrops are the prefilter's counts by interface (absent: the
	// filter cannot count).
	kernelDrops map[string]*vrrpnet.KernelDrops
}

func newFakeSys(l *callLog) *fakeSys {
	return &fakeSys{log: l, links: map[string]bool{}, primary: map[string]netip.Addr{},
		addrs: map[string][]netip.Prefix{}, failAdd: map[netip.Prefix]bool{}}
}

func (s *fakeSys) OpenTransport(ifname string, family int, deliver func(*evPackets) *evPackets) (transport, error) {
	if _, ok := s.links[ifname]; !ok {
		return nil, fmt.Errorf("%s: %w", ifname, errNoLink)
	}
	s.open++
	s.log.add("open-transport %s ipv%d", ifname, family)
	return &fakeTransport{s: s, ifname: ifname, deliver: deliver}, nil
}

func (s *fakeSys) OpenAnnouncer(ifname string) (announcer, error) {
	if _, ok := s.links[ifname]; !ok {
		return nil, fmt.Errorf("%s: %w", ifname, errNoLink)
	}
	s.open++
	s.log.add("open-announcer %s", ifname)
	return &fakeAnnouncer{s: s, ifname: ifname, blocks: map[garp.Block][]netip.Addr{}}, nil
}

func (s *fakeSys) PrimaryAddr(ifname string, family int) (netip.Addr, error) {
	if _, ok := s.links[ifname]; !ok {
		return netip.Addr{}, fmt.Errorf("%s: %w", ifname, errNoLink)
	}
	a, ok := s.primary[ifname]
	if !ok || (family == 4) != a.Is4() {
		return netip.Addr{}, fmt.Errorf("%s: %w", ifname, errNoAddr)
	}
	return a, nil
}

func (s *fakeSys) AddAddr(dev string, a vrrp.Address) error {
	if s.failAdd[a.Prefix] {
		s.log.add("addr-add %s %s: FAILS", dev, a.Prefix)
		return errors.New("operation not permitted")
	}
	s.log.add("addr-add %s %s", dev, a.Prefix)
	if s.addHook != nil {
		s.addHook(dev, a)
	}
	if s.log.off {
		return nil
	}
	if !slices.Contains(s.addrs[dev], a.Prefix) {
		s.addrs[dev] = append(s.addrs[dev], a.Prefix)
	}
	return nil
}

func (s *fakeSys) DelAddr(dev string, a vrrp.Address) (bool, error) {
	i := slices.Index(s.addrs[dev], a.Prefix)
	if i < 0 {
		return false, nil
	}
	s.log.add("addr-del %s %s", dev, a.Prefix)
	s.addrs[dev] = slices.Delete(s.addrs[dev], i, i+1)
	return true, nil
}

func (s *fakeSys) AddRoute(r vrrp.Route, def string) error {
	s.log.add("route-add %s", strings.Join(r.Words, " "))
	return nil
}
func (s *fakeSys) DelRoute(r vrrp.Route, def string) error {
	s.log.add("route-del %s", strings.Join(r.Words, " "))
	return nil
}
func (s *fakeSys) AddRule(r vrrp.Rule) error {
	s.log.add("rule-add %s", strings.Join(r.Words, " "))
	return nil
}
func (s *fakeSys) DelRule(r vrrp.Rule) error {
	s.log.add("rule-del %s", strings.Join(r.Words, " "))
	return nil
}
func (s *fakeSys) SetNoAccept(vips []netip.Addr, on bool) error {
	s.log.add("no-accept %v %v", on, vips)
	return nil
}

func (s *fakeSys) Watch(_ context.Context, onLink func(string, bool), onAddr func(string)) (map[string]bool, error) {
	s.onLink, s.onAddr = onLink, onAddr
	out := map[string]bool{}
	for k, v := range s.links {
		out[k] = v
	}
	return out, nil
}

func (s *fakeSys) NewWaker() (waker, error) { return &fakeWaker{}, nil }
func (s *fakeSys) Close()                   {}

// holds reports whether an address is installed, whatever the device.
func (s *fakeSys) holds(p netip.Prefix) bool {
	for _, list := range s.addrs {
		if slices.Contains(list, p) {
			return true
		}
	}
	return false
}

type fakeTransport struct {
	s      *fakeSys
	ifname string
	// kernel holds packets the kernel has queued and no reader has taken
	// (Poll returns them).
	kernel []rxPacket
	// pollMax, if set, is how many packets one Poll takes (the real
	// transport's batch); 0: all.
	pollMax int
	queue   []queuedMsg
	n       int // queued, when the log is off
	// deliver is the daemon's callback, which the socket's reader
	// goroutine calls with each read's packets.
	deliver func(*evPackets) *evPackets
}

type queuedMsg struct {
	b        []byte
	src, dst netip.Addr
}

func (t *fakeTransport) Queue(b []byte, src, dst netip.Addr) {
	if f := t.s.flushRefuses; f != nil && t.n+len(t.queue) == *f {
		t.s.refusedVRIDs = append(t.s.refusedVRIDs, fmt.Sprintf("%s/%d", t.ifname, b[1]))
	}
	if t.s.log.off {
		t.n++
		return
	}
	t.queue = append(t.queue, queuedMsg{slices.Clone(b), src, dst})
}

// Flush logs each advert as Send does, when it leaves.
func (t *fakeTransport) Flush(refused func(int, error)) (int, error) {
	total := t.n + len(t.queue)
	n, bad := total, -1
	var err error
	if f := t.s.flushRefuses; f != nil && *f < total {
		n, bad, err = total-1, *f, errors.New("no buffer space available")
		refused(bad, err)
	}
	for i, m := range t.queue {
		if i != bad {
			t.Send(m.b, m.src, m.dst)
		}
	}
	t.queue, t.n = t.queue[:0], 0
	t.s.flushes++
	t.s.flushed += n
	t.s.maxFlush = max(t.s.maxFlush, n)
	return n, err
}

// Send decodes what it is given, so the log shows the advert, not bytes.
func (t *fakeTransport) Send(b []byte, src, dst netip.Addr) error {
	if t.s.log.off {
		return nil
	}
	var a vrrp.Advert
	if _, err := a.Unmarshal(b, src, dst); err != nil {
		t.s.log.add("send %s %s>%s UNDECODABLE: %v", t.ifname, src, dst, err)
		return nil
	}
	t.s.log.add("send %s %s>%s v%d vrid=%d prio=%d int=%s", t.ifname, src, dst, a.Version, a.VRID, a.Priority, a.IntervalDuration())
	return nil
}

func (t *fakeTransport) Poll() []rxPacket {
	ps := t.kernel
	t.kernel = nil
	if t.pollMax > 0 && len(ps) > t.pollMax {
		ps, t.kernel = ps[:t.pollMax], ps[t.pollMax:]
	}
	if len(ps) > 0 {
		t.s.log.add("poll %s %d", t.ifname, len(ps))
	}
	return ps
}

func (t *fakeTransport) SetFilter(vrids []uint8) (uncounted, err error) {
	if t.s.filterErr != nil {
		return nil, t.s.filterErr
	}
	if t.s.filters == nil {
		t.s.filters = map[string][]uint8{}
	}
	t.s.filters[t.ifname] = slices.Clone(vrids)
	if _, ok := t.s.kernelDrops[t.ifname]; !ok {
		return errors.New("no CAP_BPF"), nil
	}
	return nil, nil
}

func (t *fakeTransport) KernelDrops(vrids []uint8, d *vrrpnet.KernelDrops) bool {
	k, ok := t.s.kernelDrops[t.ifname]
	if !ok {
		return false
	}
	d.Unserved = k.Unserved
	for _, v := range vrids {
		d.TTL[v] = k.TTL[v]
	}
	return true
}

func (t *fakeTransport) Join(g netip.Addr) error {
	t.s.log.add("join %s %s", t.ifname, g)
	return nil
}

func (t *fakeTransport) Close() error {
	t.s.open--
	t.s.log.add("close-transport %s", t.ifname)
	return nil
}

// fakeAnnouncer keeps the addresses each block was prepared with, as the
// sender keeps their frames.
type fakeAnnouncer struct {
	s      *fakeSys
	ifname string
	blocks map[garp.Block][]netip.Addr
	last   garp.Block
}

func (a *fakeAnnouncer) Prepare(old garp.Block, addrs []netip.Addr) (garp.Block, error) {
	delete(a.blocks, old)
	a.last++
	if !a.s.log.off {
		a.blocks[a.last] = slices.Clone(addrs)
	}
	return a.last, nil
}

func (a *fakeAnnouncer) Forget(b garp.Block) { delete(a.blocks, b) }

// Announce logs the addresses of the block sent, or that it was never
// prepared: a takeover must not build frames.
func (a *fakeAnnouncer) Announce(b garp.Block, n int) error {
	return a.AnnounceSome(b, nil, n)
}

func (a *fakeAnnouncer) AnnounceSome(b garp.Block, only []netip.Addr, n int) error {
	if a.s.log.off { // nothing kept, nothing to log
		return nil
	}
	addrs, ok := a.blocks[b]
	if !ok {
		a.s.log.add("garp %s block %d x%d (NOT PREPARED)", a.ifname, b, n)
		return fmt.Errorf("garp on %s: block %d not prepared", a.ifname, b)
	}
	for _, x := range addrs {
		if only == nil || slices.Contains(only, x) {
			a.s.log.add("garp %s %s x%d (prepared)", a.ifname, x, n)
		}
	}
	return nil
}

func (a *fakeAnnouncer) Close() error {
	a.s.open--
	a.s.log.add("close-announcer %s", a.ifname)
	return nil
}

// fakeWaker records the deadline; the harness advances the clock.
type fakeWaker struct{ at time.Time }

func (w *fakeWaker) Set(at time.Time)   { w.at = at }
func (w *fakeWaker) C() <-chan struct{} { return nil }
func (w *fakeWaker) Close()             {}

type fakeNotifier struct{ log *callLog }

func (n fakeNotifier) Post(e notify.Event) {
	n.log.add("notify %s %s %s %d", e.Kind, e.Name, e.State, e.Priority)
}
func (n fakeNotifier) RunScript(s script.Spec) { n.log.add("script %s", s.Raw) }
