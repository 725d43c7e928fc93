package track

import (
	"fmt"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

// linkWatcher reports the state of tracked interfaces from an rtnetlink
// subscription. A link is up when it is administratively up and has
// carrier (IFF_UP and IFF_RUNNING, keepalived's IF_ISUP); a link that does
// not exist, or is renamed away, is down.
type linkWatcher struct {
	p       *Probes
	tracked map[string]bool
	names   map[int]string // ifindex -> current name
	updates chan netlink.LinkUpdate
	quit    chan struct{}
	done    chan struct{}
}

func linkIsUp(flags uint32) bool {
	return flags&unix.IFF_UP != 0 && flags&unix.IFF_RUNNING != 0
}

func (p *Probes) startLinks(names []string) {
	p.links = nil
	if len(names) == 0 {
		return
	}
	w := &linkWatcher{p: p, tracked: map[string]bool{}, names: map[int]string{},
		updates: make(chan netlink.LinkUpdate, 64), quit: make(chan struct{}), done: make(chan struct{})}
	for _, n := range names {
		w.tracked[n] = true
	}
	links, err := w.subscribe(p.cfg.NetNS)
	if err != nil {
		p.log().Warn("track_interface: link monitoring unavailable", "err", err)
		return
	}
	state := map[string]bool{}
	for _, l := range links {
		a := l.Attrs()
		w.names[a.Index] = a.Name
		state[a.Name] = linkIsUp(a.RawFlags)
	}
	for n := range w.tracked {
		p.emit(Result{Kind: vrrp.TrackKindInterface, Name: n, Up: state[n]})
	}
	p.links = w
	go w.run()
}

// subscribe listens before listing so no change between the two is lost.
func (w *linkWatcher) subscribe(nsPath string) ([]netlink.Link, error) {
	ns := netns.None()
	h := &netlink.Handle{}
	if nsPath != "" {
		var err error
		if ns, err = netns.GetFromPath(nsPath); err != nil {
			return nil, fmt.Errorf("netns %s: %w", nsPath, err)
		}
		defer ns.Close()
		if h, err = netlink.NewHandleAt(ns); err != nil {
			return nil, fmt.Errorf("netns %s: %w", nsPath, err)
		}
		defer h.Close()
	}
	opts := netlink.LinkSubscribeOptions{Namespace: &ns, ErrorCallback: func(err error) {
		select {
		case <-w.quit: // the socket was closed by stop
		default:
			w.p.log().Warn("track_interface: netlink", "err", err)
		}
	}}
	if err := netlink.LinkSubscribeWithOptions(w.updates, w.quit, opts); err != nil {
		return nil, fmt.Errorf("link subscribe: %w", err)
	}
	links, err := h.LinkList()
	if err != nil {
		close(w.quit)
		for range w.updates {
		}
		return nil, fmt.Errorf("link list: %w", err)
	}
	return links, nil
}

// run handles updates until the subscription's channel is closed, which
// the netlink package does after quit closes its socket.
func (w *linkWatcher) run() {
	defer close(w.done)
	for u := range w.updates {
		w.handle(u)
	}
}

func (w *linkWatcher) handle(u netlink.LinkUpdate) {
	a := u.Link.Attrs()
	idx := int(u.IfInfomsg.Index)
	if old, ok := w.names[idx]; ok && old != a.Name && w.tracked[old] {
		w.p.emit(Result{Kind: vrrp.TrackKindInterface, Name: old, Up: false}) // renamed away
	}
	if u.Header.Type == unix.RTM_DELLINK {
		delete(w.names, idx)
		if w.tracked[a.Name] {
			w.p.emit(Result{Kind: vrrp.TrackKindInterface, Name: a.Name, Up: false})
		}
		return
	}
	w.names[idx] = a.Name
	if w.tracked[a.Name] {
		w.p.emit(Result{Kind: vrrp.TrackKindInterface, Name: a.Name, Up: linkIsUp(u.IfInfomsg.Flags)})
	}
}

func (w *linkWatcher) stop() {
	close(w.quit)
	<-w.done
}
