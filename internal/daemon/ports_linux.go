package daemon

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/internal/garp"
	"github.com/govrrpd/govrrpd/internal/netconf"
	"github.com/govrrpd/govrrpd/internal/vrrpnet"
	"github.com/govrrpd/govrrpd/vrrp"
)

// linuxSystem is the executor's ports on Linux.
type linuxSystem struct {
	fw *netconf.Firewall
	rx *rxMux // every advert socket's reader, made with the first
	// The loop's Poll readers by family (the loop polls one socket at a
	// time), made on first use.
	polls [2]*vrrpnet.Reader
}

func newSystem() system { return &linuxSystem{} }

// readBatch is how many packets one read may take: each slot holds a
// buffer for the largest advert (1,152 bytes on IPv4, 4,864 on IPv6); 16
// per system call already amortises the read.
const readBatch = 16

type linuxTransport struct {
	s      *vrrpnet.Socket
	b      *vrrpnet.Batch
	rx     *rxMux
	poll   *vrrpnet.Reader // the loop's own, for Poll
	polled *evPackets      // what Poll returns, reused
}

func (t linuxTransport) Send(b []byte, src, dst netip.Addr) error    { return t.s.Send(b, src, dst) }
func (t linuxTransport) Queue(b []byte, src, dst netip.Addr)         { t.b.Add(b, src, dst) }
func (t linuxTransport) Flush(refused func(int, error)) (int, error) { return t.b.Flush(refused) }
func (t linuxTransport) Join(g netip.Addr) error                     { return t.s.Join(g) }

func (t linuxTransport) Close() error {
	t.rx.remove(t.s)
	return t.s.Close()
}

func (t linuxTransport) SetFilter(vrids []uint8) (uncounted, err error) {
	err = t.s.SetFilter(vrrpnet.Filter{VRIDs: vrids, MulticastTTL255: true})
	return t.s.FilterErr, err
}

// KernelDrops: a failed map read (the map is the socket's own; it does
// not fail while the socket is open) counts as no counts.
func (t linuxTransport) KernelDrops(vrids []uint8, d *vrrpnet.KernelDrops) bool {
	ok, err := t.s.KernelDrops(vrids, d)
	return ok && err == nil
}

// Poll's error is the socket closing, which the reader also meets.
func (t linuxTransport) Poll() []rxPacket {
	pkts, err := t.poll.PollFrom(t.s)
	if err != nil || len(pkts) == 0 {
		return nil
	}
	t.polled.reset()
	t.polled.add(pkts)
	return t.polled.pkts
}

// pollBatch is how many packets one Poll may take: it only catches what
// queued while the loop was not running.
const pollBatch = 4

func (ls *linuxSystem) OpenTransport(ifname string, family int, deliver func(*evPackets) *evPackets) (transport, error) {
	if _, err := net.InterfaceByName(ifname); err != nil {
		return nil, fmt.Errorf("%s: %w", ifname, errNoLink)
	}
	if ls.rx == nil {
		rx, err := newRxMux()
		if err != nil {
			return nil, err
		}
		ls.rx = rx
	}
	s, err := vrrpnet.Open(ifname, family)
	if err != nil {
		return nil, err
	}
	if err := ls.rx.add(s, deliver); err != nil {
		s.Close()
		return nil, err
	}
	fi := family / 6 // 0 for IPv4, 1 for IPv6
	if ls.polls[fi] == nil {
		ls.polls[fi] = vrrpnet.NewFamilyReader(family, pollBatch)
	}
	return linuxTransport{s, s.NewBatch(), ls.rx, ls.polls[fi], &evPackets{}}, nil
}

// rxMux is the one reader goroutine of every advert socket (rxReader)
// and what it reads with.
type rxMux struct {
	mux     *vrrpnet.Mux
	readers [2]*vrrpnet.Reader // by family, made by the reader on first use
	mu      sync.Mutex
	subs    map[*vrrpnet.Socket]func(*evPackets) *evPackets
}

func newRxMux() (*rxMux, error) {
	mux, err := vrrpnet.NewMux()
	if err != nil {
		return nil, err
	}
	m := &rxMux{mux: mux, subs: map[*vrrpnet.Socket]func(*evPackets) *evPackets{}}
	go rxReader{m, readBatch, m.deliverTo, time.Now, time.Sleep}.run()
	return m, nil
}

func (m *rxMux) add(s *vrrpnet.Socket, deliver func(*evPackets) *evPackets) error {
	m.mu.Lock()
	m.subs[s] = deliver
	m.mu.Unlock()
	if err := m.mux.Add(s); err != nil {
		m.remove(s)
		return err
	}
	return nil
}

func (m *rxMux) remove(s *vrrpnet.Socket) {
	m.mux.Remove(s)
	m.mu.Lock()
	delete(m.subs, s)
	m.mu.Unlock()
}

func (m *rxMux) deliverTo(s *vrrpnet.Socket) func(*evPackets) *evPackets {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.subs[s]
}

func (m *rxMux) Wait() ([]*vrrpnet.Socket, error) { return m.mux.Wait() }

func (m *rxMux) PollFrom(s *vrrpnet.Socket) ([]vrrpnet.Packet, error) {
	fi := s.Family / 6
	if m.readers[fi] == nil {
		m.readers[fi] = vrrpnet.NewFamilyReader(s.Family, readBatch)
	}
	return m.readers[fi].PollFrom(s)
}

// linuxAnnouncer is the interface's garp.Sender, announcing from the
// interface's own MAC.
type linuxAnnouncer struct{ *garp.Sender }

func (a linuxAnnouncer) Prepare(old garp.Block, x []netip.Addr) (garp.Block, error) {
	return a.Sender.Prepare(old, nil, x)
}

func (*linuxSystem) OpenAnnouncer(ifname string) (announcer, error) {
	s, err := garp.NewSender(ifname)
	if err != nil {
		return nil, err
	}
	return linuxAnnouncer{s}, nil
}

// PrimaryAddr asks rtnetlink; only a failure pays for the link lookup
// that tells a missing interface from one without an address.
func (*linuxSystem) PrimaryAddr(ifname string, family int) (netip.Addr, error) {
	a, err := netconf.PrimaryAddr(ifname, family)
	if err != nil {
		if _, lerr := net.InterfaceByName(ifname); lerr != nil {
			return netip.Addr{}, fmt.Errorf("%s: %w", ifname, errNoLink)
		}
		return netip.Addr{}, fmt.Errorf("%s: %w: %v", ifname, errNoAddr, err)
	}
	return a, nil
}
func (*linuxSystem) AddAddr(dev string, a vrrp.Address) error { return netconf.AddAddr(dev, a) }
func (*linuxSystem) DelAddr(dev string, a vrrp.Address) (bool, error) {
	return netconf.DelAddr(dev, a)
}
func (*linuxSystem) AddRoute(r vrrp.Route, def string) error { return netconf.AddRoute(r, def) }
func (*linuxSystem) DelRoute(r vrrp.Route, def string) error { return netconf.DelRoute(r, def) }
func (*linuxSystem) AddRule(r vrrp.Rule) error               { return netconf.AddRule(r) }
func (*linuxSystem) DelRule(r vrrp.Rule) error               { return netconf.DelRule(r) }

// SetNoAccept opens the nftables table on first use.
func (s *linuxSystem) SetNoAccept(vips []netip.Addr, on bool) error {
	if s.fw == nil {
		fw := netconf.DefaultFirewall()
		if err := fw.Open(); err != nil {
			return fmt.Errorf("%w: %v", errNoFirewall, err)
		}
		s.fw = fw
	}
	return s.fw.SetNoAccept(vips, on)
}

func (s *linuxSystem) Close() {
	if s.rx != nil {
		s.rx.mux.Close() // ends the reader
		s.rx = nil
	}
	if s.fw != nil {
		s.fw.Close()
		s.fw = nil
	}
}

// Watch subscribes before listing, so no change between the two is lost.
func (*linuxSystem) Watch(ctx context.Context, onLink func(string, bool), onAddr func(string)) (map[string]bool, error) {
	lch := make(chan netlink.LinkUpdate, 64)
	if err := netlink.LinkSubscribe(lch, ctx.Done()); err != nil {
		return nil, fmt.Errorf("link subscription: %w", err)
	}
	ach := make(chan netlink.AddrUpdate, 64)
	if err := netlink.AddrSubscribe(ach, ctx.Done()); err != nil {
		return nil, fmt.Errorf("address subscription: %w", err)
	}
	links, err := netlink.LinkList()
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	var mu sync.Mutex
	names := map[int]string{}
	state := map[string]bool{}
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
		state[l.Attrs().Name] = linkUp(l)
	}
	out := make(map[string]bool, len(state))
	for k, v := range state {
		out[k] = v
	}
	go func() {
		for u := range lch {
			name, up := u.Attrs().Name, linkUp(u.Link)
			if u.Header.Type == unix.RTM_DELLINK {
				up = false
			}
			netconf.ForgetLink(name) // its index may have changed
			mu.Lock()
			names[u.Attrs().Index] = name
			prev, ok := state[name]
			state[name] = up
			mu.Unlock()
			if !ok || prev != up {
				onLink(name, up)
			}
		}
	}()
	go func() {
		for u := range ach {
			mu.Lock()
			name := names[u.LinkIndex]
			mu.Unlock()
			if name == "" {
				if l, err := netlink.LinkByIndex(u.LinkIndex); err == nil {
					name = l.Attrs().Name
				}
			}
			if name != "" {
				onAddr(name)
			}
		}
	}()
	return out, nil
}

// linkUp is keepalived's test: administratively up and carrier present.
func linkUp(l netlink.Link) bool {
	a := l.Attrs()
	return a.Flags&(1<<0) != 0 && (a.OperState == netlink.OperUp || a.OperState == netlink.OperUnknown) && a.RawFlags&(1<<16) != 0
}

// fdWaker is the loop's timer wake-up on one Linux timerfd. Go's runtime
// timers sleep in epoll_wait with a millisecond timeout, so a timer due in
// 0.4 ms can fire up to a millisecond late; a timerfd wakes the poller by
// an event, with microsecond precision. The master-down timer decides how
// long clients lose the VIP, so that millisecond is worth having.
//
// Its read and its settime are raw system calls (both return at once on a
// non-blocking timerfd). A system call through package syscall tells the
// scheduler, which wakes the runtime's monitor thread (sysmon) from its
// deep sleep and sets it polling every 20 µs for as long as the process
// runs: at 4,080 masters that was ~1,000 wake-ups a second, 10 % of the
// master's CPU in perf (docs/scale.md), for two system calls per timer
// pass that never block.
type fdWaker struct {
	f   *os.File
	rc  syscall.RawConn
	fd  int
	c   chan struct{}
	set time.Time // the deadline programmed now, to skip needless syscalls
}

func (*linuxSystem) NewWaker() (waker, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	f := os.NewFile(uintptr(fd), "vrrp-timers")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	w := &fdWaker{f: f, rc: rc, fd: fd, c: make(chan struct{}, 1)}
	go w.run()
	return w, nil
}

func (w *fdWaker) run() {
	var b [8]byte
	for {
		var e unix.Errno
		err := w.rc.Read(func(fd uintptr) bool {
			_, _, e = unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
			return e != unix.EAGAIN // wait on the poller until the timer expires
		})
		switch {
		case e == unix.EINTR:
			continue
		case err != nil || e != 0:
			return // closed
		}
		select {
		case w.c <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

// Set arms the timerfd relative to now; called only from the loop. A
// later deadline leaves an earlier wake-up armed: on a backup every advert
// pushes the earliest master-down deadline back, and reprogramming the
// timerfd for each would cost a system call per packet; waking once early
// and finding nothing due costs one per Master_Down_Interval. An earlier
// deadline always reprograms, so the loop never wakes late.
func (w *fdWaker) Set(at time.Time) {
	if at.Equal(w.set) {
		return
	}
	if !w.set.IsZero() && (at.IsZero() || at.After(w.set)) && time.Now().Before(w.set) {
		return
	}
	w.set = at
	var spec unix.ItimerSpec
	if !at.IsZero() {
		d := time.Until(at)
		if d <= 0 {
			d = time.Nanosecond // zero would disarm
		}
		spec.Value = unix.NsecToTimespec(int64(d))
	}
	_, _, _ = unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, uintptr(w.fd), 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
}

func (w *fdWaker) C() <-chan struct{} { return w.c }
func (w *fdWaker) Close()             { w.f.Close() }
