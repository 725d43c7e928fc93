package daemon

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/internal/netconf"
	"github.com/govrrpd/govrrpd/internal/track"
	"github.com/govrrpd/govrrpd/vrrp"
)

// The rules themselves (what faults a track_group, what is put back when)
// live in vrrp.StaticTrack; this file feeds it from rtnetlink and carries
// out its answers. Static entries deleted by someone else are put back at
// once, as keepalived's netlink reflector does; vishvananda/netlink has no
// rule subscription, so rules are compared with the kernel's list every
// rulePoll instead.
const rulePoll = time.Second

// tgWatcher runs on its own goroutine: re-adding an entry is a netlink
// round trip the event loop must not wait for.
type tgWatcher struct {
	log    *slog.Logger
	st     *vrrp.StaticTrack
	addrs  []vrrp.Address
	routes []vrrp.Route
	rules  []vrrp.Rule
	defDev string
	keep   map[vrrp.StaticRef]bool // entries to put back when deleted
	names  map[int]string          // ifindex -> name, for address and route updates
	send   func(ev event) bool

	links   chan netlink.LinkUpdate
	addrCh  chan netlink.AddrUpdate
	routeCh chan netlink.RouteUpdate
	quit    chan struct{}
	done    chan struct{}
}

// startTrackGroups watches the static entries just installed by
// applyStatic. Without any entry to watch it does nothing.
func (d *Daemon) startTrackGroups() {
	c := d.cfg
	st := vrrp.NewStaticTrack(c.StaticAddresses, c.StaticRoutes, c.StaticRules, c.VRRP.DefaultInterface)
	keep := map[vrrp.StaticRef]bool{}
	for _, r := range st.Restorable() {
		keep[r] = true
	}
	if len(keep) == 0 {
		return
	}
	w := &tgWatcher{log: d.log, st: st, keep: keep, defDev: c.VRRP.DefaultInterface, names: map[int]string{},
		addrs: append([]vrrp.Address(nil), c.StaticAddresses...), routes: append([]vrrp.Route(nil), c.StaticRoutes...),
		rules: append([]vrrp.Rule(nil), c.StaticRules...),
		links: make(chan netlink.LinkUpdate, 64), addrCh: make(chan netlink.AddrUpdate, 64),
		routeCh: make(chan netlink.RouteUpdate, 64), quit: make(chan struct{}), done: make(chan struct{})}
	w.send = func(ev event) bool {
		select {
		case d.events <- ev:
			return true
		case <-w.quit:
			return false
		}
	}
	if err := w.subscribe(); err != nil {
		close(w.quit)
		d.log.Error("static entries are not watched: track_group cannot fault its instances", "err", err)
		return
	}
	// The current states reach the instances now, not through the event
	// queue: at start before Startup, so a lost entry means FAULT from the
	// outset; at reload before any queued advert can make a restarted
	// instance preempt.
	now := time.Now()
	for _, gs := range st.States() {
		w.logState(gs)
		d.trackResult(now, groupResult(gs))
	}
	d.tgroups = w
	go w.run()
}

func groupResult(gs vrrp.GroupState) track.Result {
	return track.Result{Kind: vrrp.TrackKindGroup, Name: gs.Name, Up: gs.Up}
}

// stopTrackGroups returns once nothing will be put back any more, so
// removeStatic at exit is not undone.
func (d *Daemon) stopTrackGroups() {
	if d.tgroups != nil {
		close(d.tgroups.quit)
		<-d.tgroups.done
		d.tgroups = nil
	}
}

// restartTrackGroups runs after a reload: the new watcher reports every
// group's state, which instances started by the reload need.
func (d *Daemon) restartTrackGroups() {
	d.stopTrackGroups()
	d.startTrackGroups()
}

// subscribe listens before listing links, so no change between the two is
// lost.
func (w *tgWatcher) subscribe() error {
	cb := func(what string) func(error) {
		return func(err error) {
			select {
			case <-w.quit:
			default:
				w.log.Warn("static entries: netlink", "subscription", what, "err", err)
			}
		}
	}
	if err := netlink.LinkSubscribeWithOptions(w.links, w.quit, netlink.LinkSubscribeOptions{ErrorCallback: cb("link")}); err != nil {
		return fmt.Errorf("link subscription: %w", err)
	}
	if err := netlink.AddrSubscribeWithOptions(w.addrCh, w.quit, netlink.AddrSubscribeOptions{ErrorCallback: cb("address")}); err != nil {
		return fmt.Errorf("address subscription: %w", err)
	}
	if err := netlink.RouteSubscribeWithOptions(w.routeCh, w.quit, netlink.RouteSubscribeOptions{ErrorCallback: cb("route")}); err != nil {
		return fmt.Errorf("route subscription: %w", err)
	}
	links, err := netlink.LinkList()
	if err != nil {
		return fmt.Errorf("list links: %w", err)
	}
	for _, l := range links {
		a := l.Attrs()
		w.names[a.Index] = a.Name
		w.st.Seed(a.Name, linkUp(l))
	}
	return nil
}

func (w *tgWatcher) run() {
	defer close(w.done)
	tick := time.NewTicker(rulePoll)
	defer tick.Stop()
	for {
		select {
		case <-w.quit:
			return
		case u, ok := <-w.links:
			if !ok {
				w.links = nil
				continue
			}
			if !w.link(u) {
				return
			}
		case u, ok := <-w.addrCh:
			if !ok {
				w.addrCh = nil
				continue
			}
			if !u.NewAddr {
				w.addrDeleted(u)
			}
		case u, ok := <-w.routeCh:
			if !ok {
				w.routeCh = nil
				continue
			}
			if u.Type == unix.RTM_DELROUTE {
				w.routeDeleted(u.Route)
			}
		case <-tick.C:
			w.checkRules()
		}
	}
}

// report hands a group's state to the loop as a tracker result; false
// means the watcher is stopping.
func (w *tgWatcher) report(gs vrrp.GroupState) bool {
	w.logState(gs)
	return w.send(evTrack{groupResult(gs)})
}

func (w *tgWatcher) logState(gs vrrp.GroupState) {
	if gs.Up {
		w.log.Info("track_group up: its static entries are in place", "group", gs.Name)
	} else {
		w.log.Warn("track_group down: a static entry is lost with its interface", "group", gs.Name, "interface", gs.Dev)
	}
}

// link follows an interface: a deleted or renamed-away one is down.
func (w *tgWatcher) link(u netlink.LinkUpdate) bool {
	a := u.Attrs()
	if old, ok := w.names[a.Index]; ok && old != a.Name {
		if !w.linkState(old, false) {
			return false
		}
	}
	if u.Header.Type == unix.RTM_DELLINK {
		delete(w.names, a.Index)
		return w.linkState(a.Name, false)
	}
	w.names[a.Index] = a.Name
	return w.linkState(a.Name, linkUp(u.Link))
}

func (w *tgWatcher) linkState(dev string, up bool) bool {
	restore, changed := w.st.Link(dev, up)
	for _, ref := range restore {
		w.restore(ref)
	}
	for _, gs := range changed {
		if !w.report(gs) {
			return false
		}
	}
	return true
}

// restore puts an entry back, with keepalived's log line; failing is
// expected while its interface is away, and is retried when it is up.
func (w *tgWatcher) restore(ref vrrp.StaticRef) {
	var what string
	var err error
	switch ref.Kind {
	case vrrp.StaticAddress:
		a := w.addrs[ref.Index]
		what = a.Prefix.String()
		if err = netconf.AddAddr(w.addrDev(a), a); err == nil {
			defer w.reAddRoutes(w.addrDev(a))
		}
	case vrrp.StaticRoute:
		what = routeText(w.routes[ref.Index])
		err = netconf.AddRoute(w.routes[ref.Index], w.defDev)
	case vrrp.StaticRule:
		what = ruleText(w.rules[ref.Index])
		err = netconf.AddRule(w.rules[ref.Index])
	}
	if err != nil {
		w.log.Warn("cannot restore deleted static "+ref.Kind.String(), "entry", what, "err", err)
		return
	}
	w.log.Info("Restoring deleted static "+ref.Kind.String(), "entry", what)
}

// reAddRoutes puts back the static routes through dev after one of its
// addresses returned: the kernel drops IPv4 routes whose gateway went with
// the address without any RTM_DELROUTE, so keepalived never sees them go.
// Adding is idempotent, so routes still there are untouched.
func (w *tgWatcher) reAddRoutes(dev string) {
	for i, r := range w.routes {
		if r.Dev == dev && w.keep[vrrp.StaticRef{Kind: vrrp.StaticRoute, Index: i}] {
			if err := netconf.AddRoute(r, w.defDev); err != nil {
				w.log.Warn("cannot restore static route after its address", "entry", routeText(r), "err", err)
			}
		}
	}
}

func (w *tgWatcher) addrDev(a vrrp.Address) string {
	if dev := a.Options().Dev; dev != "" {
		return dev
	}
	return w.defDev
}

func (w *tgWatcher) addrDeleted(u netlink.AddrUpdate) {
	ip, ok := netip.AddrFromSlice(u.LinkAddress.IP)
	if !ok {
		return
	}
	dev := w.names[u.LinkIndex]
	for i, a := range w.addrs {
		ref := vrrp.StaticRef{Kind: vrrp.StaticAddress, Index: i}
		if w.keep[ref] && a.Prefix.Addr() == ip.Unmap() && w.addrDev(a) == dev {
			w.restore(ref)
			return
		}
	}
}

func (w *tgWatcher) routeDeleted(r netlink.Route) {
	for i, s := range w.routes {
		ref := vrrp.StaticRef{Kind: vrrp.StaticRoute, Index: i}
		if w.keep[ref] && w.sameRoute(s, r) {
			w.restore(ref)
			return
		}
	}
}

// sameRoute compares what identifies a route to the kernel: destination,
// table, and the device and gateway when the entry names them.
func (w *tgWatcher) sameRoute(s vrrp.Route, r netlink.Route) bool {
	table := s.Table
	if table == 0 {
		table = unix.RT_TABLE_MAIN
	}
	if r.Table != table || !samePrefix(s.Dst, r.Dst) {
		return false
	}
	if s.Dev != "" && w.names[r.LinkIndex] != s.Dev {
		return false
	}
	if s.Via.IsValid() {
		gw, ok := netip.AddrFromSlice(r.Gw)
		return ok && gw.Unmap() == s.Via
	}
	return true
}

// samePrefix treats the kernel's missing destination as the default route.
func samePrefix(p netip.Prefix, n *net.IPNet) bool {
	if n == nil {
		return p.Bits() == 0
	}
	ip, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return false
	}
	bits, _ := n.Mask.Size()
	return netip.PrefixFrom(ip.Unmap(), bits) == p.Masked()
}

// checkRules puts back any watched static rule missing from the kernel.
func (w *tgWatcher) checkRules() {
	var have []netlink.Rule
	for i, r := range w.rules {
		ref := vrrp.StaticRef{Kind: vrrp.StaticRule, Index: i}
		if !w.keep[ref] {
			continue
		}
		if have == nil {
			var err error
			if have, err = netlink.RuleList(netlink.FAMILY_ALL); err != nil {
				w.log.Warn("static rules: list", "err", err)
				return
			}
		}
		if !ruleListed(r, have) {
			w.restore(ref)
		}
	}
}

func ruleListed(r vrrp.Rule, have []netlink.Rule) bool {
	for _, k := range have {
		if k.Priority != r.Preference || r.Table != 0 && k.Table != r.Table {
			continue
		}
		if r.IIF != "" && k.IifName != r.IIF || r.OIF != "" && k.OifName != r.OIF {
			continue
		}
		if r.From.Bits() > 0 && !samePrefix(r.From, k.Src) || r.To.Bits() > 0 && !samePrefix(r.To, k.Dst) {
			continue
		}
		return true
	}
	return false
}
