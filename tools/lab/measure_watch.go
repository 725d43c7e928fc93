package lab

import (
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// AddrEvent is an address added to or removed from a router, stamped when
// the watcher read it from rtnetlink (microseconds after the kernel made
// the change; `ip -ts monitor` lagged by up to 45 ms under load).
type AddrEvent struct {
	Host  string
	Addr  netip.Addr
	Added bool
	At    time.Time
}

// AddrWatch records address changes on every router of a lab.
type AddrWatch struct {
	mu     sync.Mutex
	events []AddrEvent
	done   chan struct{}
	wake   chan struct{}
}

// WatchAddrs subscribes to address changes in every router namespace.
func (l *Lab) WatchAddrs() (*AddrWatch, error) {
	w := &AddrWatch{done: make(chan struct{}), wake: make(chan struct{}, 1)}
	for _, h := range l.Routers {
		ns, err := netns.GetFromName(h.NS)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("watch %s: %w", h.Name, err)
		}
		ch := make(chan netlink.AddrUpdate, 256)
		err = netlink.AddrSubscribeWithOptions(ch, w.done, netlink.AddrSubscribeOptions{Namespace: &ns})
		ns.Close()
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("watch %s: %w", h.Name, err)
		}
		go w.collect(h.Name, ch)
	}
	return w, nil
}

func (w *AddrWatch) collect(host string, ch <-chan netlink.AddrUpdate) {
	for u := range ch {
		now := time.Now()
		a, ok := netip.AddrFromSlice(u.LinkAddress.IP)
		if !ok {
			continue
		}
		w.mu.Lock()
		w.events = append(w.events, AddrEvent{Host: host, Addr: a.Unmap(), Added: u.NewAddr, At: now})
		w.mu.Unlock()
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// First returns the first event after t matching host, addr and added.
func (w *AddrWatch) First(host string, addr netip.Addr, added bool, after time.Time) (AddrEvent, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.events {
		if e.Host == host && e.Addr == addr && e.Added == added && !e.At.Before(after) {
			return e, true
		}
	}
	return AddrEvent{}, false
}

// Wait is First, waiting up to timeout for the event to happen.
func (w *AddrWatch) Wait(host string, addr netip.Addr, added bool, after time.Time, timeout time.Duration) (AddrEvent, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if e, ok := w.First(host, addr, added, after); ok {
			return e, true
		}
		select {
		case <-w.wake:
		case <-deadline.C:
			return w.First(host, addr, added, after)
		}
	}
}

// Close ends every subscription.
func (w *AddrWatch) Close() {
	select {
	case <-w.done:
	default:
		close(w.done)
	}
}

// Count is how many events matching host, addr and added happened in
// [from, to): the reliability suite counts false failovers (VIP added on
// the backup) and VIP removals on the master this way.
func (w *AddrWatch) Count(host string, addr netip.Addr, added bool, from, to time.Time) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, e := range w.events {
		if e.Host == host && e.Addr == addr && e.Added == added && !e.At.Before(from) && e.At.Before(to) {
			n++
		}
	}
	return n
}
