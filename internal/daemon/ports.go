package daemon

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/internal/garp"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/internal/vrrpnet"
	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// The executor reaches the operating system only through the ports below.
// ports_linux.go wires them to sockets, rtnetlink, AF_PACKET, nftables and
// a timerfd; the tests wire fakes that write every call to a log, so the
// whole executor runs in-process without root (executor_test.go).

// system is what the executor asks of the kernel.
type system interface {
	// OpenTransport opens the advert socket of an interface and family;
	// deliver is called from the reader goroutine (one for every socket)
	// with the packets of each of the socket's reads gathered in one batch (one event for the loop
	// per batch, not per packet), which the callee keeps, and returns an
	// empty batch for the next (see evPackets).
	OpenTransport(ifname string, family int, deliver func(*evPackets) *evPackets) (transport, error)
	// OpenAnnouncer opens the GARP/NA sender of an interface (shared by
	// every instance on it).
	OpenAnnouncer(ifname string) (announcer, error)
	// PrimaryAddr is the interface's first address of the family
	// (link-local for IPv6), the source of adverts.
	PrimaryAddr(ifname string, family int) (netip.Addr, error)
	AddAddr(dev string, a vrrp.Address) error
	DelAddr(dev string, a vrrp.Address) (bool, error)
	AddRoute(r vrrp.Route, defDev string) error
	DelRoute(r vrrp.Route, defDev string) error
	AddRule(r vrrp.Rule) error
	DelRule(r vrrp.Rule) error
	// SetNoAccept installs or removes the no_accept drop rule for vips.
	SetNoAccept(vips []netip.Addr, on bool) error
	// Watch reports the current link states and then calls onLink for
	// every change of a link's usable state and onAddr for every address
	// added to or removed from an interface, until ctx ends.
	Watch(ctx context.Context, onLink func(ifname string, up bool), onAddr func(ifname string)) (map[string]bool, error)
	// NewWaker makes the loop's one timer wake-up.
	NewWaker() (waker, error)
	// Close releases what the system opened on its own (the firewall).
	Close()
}

// errNoFirewall is SetNoAccept's error when nftables cannot be had.
var errNoFirewall = errors.New("nftables: no_accept cannot be enforced; the VIPs accept traffic")

// rxPacket is one received advert and the IP-layer facts about it.
type rxPacket struct {
	payload  []byte
	src, dst netip.Addr
	ttl      int
	at       time.Time // kernel receive time
	// oversized: longer than the read buffer (and than any valid advert);
	// payload is its beginning.
	oversized bool
}

// transport sends adverts and joins multicast groups on one interface.
type transport interface {
	Send(payload []byte, src, dst netip.Addr) error
	// Queue holds a copy of an advert for the next Flush, which sends
	// every queued one in as few system calls as it can. An advert the
	// kernel refuses is skipped (refused hears its index) and the rest
	// still go; Flush returns how many went and the first error.
	Queue(payload []byte, src, dst netip.Addr)
	Flush(refused func(i int, err error)) (int, error)
	Join(group netip.Addr) error
	// Poll returns, without waiting, the packets the kernel has queued
	// that the reader has not taken yet, valid until the next Poll.
	Poll() []rxPacket
	// SetFilter installs or replaces the kernel prefilter: protocol 112,
	// TTL/hop limit 255 on multicast, and the VRIDs listed (empty: any).
	// uncounted, when not nil, says why the filter installed cannot
	// count its drops.
	SetFilter(vrids []uint8) (uncounted, err error)
	// KernelDrops reads the prefilter's drop counts (for the VRIDs
	// listed) into d; false when the filter cannot count.
	KernelDrops(vrids []uint8, d *vrrpnet.KernelDrops) bool
	Close() error
}

// announcer sends gratuitous ARPs and unsolicited NAs from frames built
// ahead of time, one garp.Block per instance.
type announcer interface {
	// Prepare builds the frames of addrs in place of old's (zero: none).
	Prepare(old garp.Block, addrs []netip.Addr) (garp.Block, error)
	Forget(b garp.Block)
	Announce(b garp.Block, count int) error
	// AnnounceSome sends only the frames of b announcing addrs.
	AnnounceSome(b garp.Block, addrs []netip.Addr, count int) error
	Close() error
}

// waker wakes the loop at the earliest timer deadline: one descriptor for
// every timer of every instance.
type waker interface {
	// Set moves the wake-up to at (zero: none).
	Set(at time.Time)
	C() <-chan struct{}
	Close()
}

// notifier queues notify scripts and FIFO lines.
type notifier interface {
	Post(notify.Event)
	RunScript(script.Spec)
}
