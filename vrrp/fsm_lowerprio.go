package vrrp

import (
	"net/netip"
	"slices"
	"time"
)

// A master that hears a lower priority answers at once with an advert and
// a GARP burst (keepalived's "forcing a new election", runtime.md §8): a
// split brain heals in one round trip instead of one advert interval. Left
// unbounded, that answer turns every received packet into six sent frames,
// and anyone on the segment can make a master flood it (issue #16 item 3:
// 153,000 adverts and 745,000 GARPs in 30 s). The answer goes to every
// peer at once (multicast, or every unicast peer), so one answer heals any
// number of lower-priority masters as fast as one each would. It is given
// once per episode: when lower-priority adverts start after a quiet spell
// of three advert intervals (a Master_Down_Interval, near enough), or
// after the end of the last episode was announced. While
// they keep coming, the periodic adverts answer them — a peer that has not
// yielded to our answer will not yield to a second one, and answering on
// top of the periodic adverts doubled them (one answer per interval, as
// first built, sent 2 adverts and 6 GARPs an interval under a flood). The
// notify names its source, so it is limited per source, per interval.
//
// The episode's end is announced too: once no lower-priority advert has
// come for two advert intervals (checked as each periodic advert goes
// out), the peer has yielded, and the master sends one more GARP burst.
// The answer's burst went out while the peer still held the VIP: its
// frames (its kernel's ARP traffic for the VIP) could still reach the
// clients after it, and on a lossy link the answer's frames may not have
// arrived at all (issue #16 item 9: the client stayed on the backup's MAC
// for 7.9 s, until its neighbour entry timed out). One burst per
// episode, after the flood or the peer is gone, keeps item 3's bound.

// lowerPrioSources bounds the per-source notify table. Legitimate
// lower-priority masters on one VRID are a handful; a flood of spoofed
// sources beyond that gets no notify until entries age out.
const lowerPrioSources = 16

// lowerPrioLimit remembers when the master last answered a lower-priority
// advert, and when it last notified about each source: a short list, not
// a map, since a handful of sources is the legitimate case and a map made
// for lowerPrioSources held 1.6 KB per master for the whole mastership
// (6.7 MB at 4,080 masters after their start-up takeover, issue #12).
type lowerPrioLimit struct {
	heard    time.Time // last lower-priority advert; zero: none since becoming master
	notified []notifiedSrc
}

type notifiedSrc struct {
	src netip.Addr
	at  time.Time
}

// answer reports whether the wire answer is due at now: the advert heard
// starts an episode (none heard for three intervals).
func (l *lowerPrioLimit) answer(now time.Time, iv time.Duration) bool {
	due := l.heard.IsZero() || now.Sub(l.heard) >= 3*iv
	l.heard = now
	return due
}

// ended reports whether an episode ended before now (none heard for two
// intervals), and closes it: the next lower-priority advert starts a new
// one.
func (l *lowerPrioLimit) ended(now time.Time, iv time.Duration) bool {
	if l == nil || l.heard.IsZero() || now.Sub(l.heard) < 2*iv {
		// nil: no lower-priority advert this mastership
		return false
	}
	l.heard = time.Time{}
	return true
}

// notify reports whether a notify about src is due at now, and takes it.
func (l *lowerPrioLimit) notify(now time.Time, src netip.Addr, iv time.Duration) bool {
	for i := range l.notified {
		if n := &l.notified[i]; n.src == src {
			if now.Sub(n.at) < iv {
				return false
			}
			n.at = now
			return true
		}
	}
	if len(l.notified) >= lowerPrioSources {
		l.notified = slices.DeleteFunc(l.notified, func(n notifiedSrc) bool { return now.Sub(n.at) >= iv })
		if len(l.notified) >= lowerPrioSources {
			return false
		}
	}
	l.notified = append(l.notified, notifiedSrc{src, now})
	return true
}

// answerLowerPrio is the master's reply to a lower-priority advert: on
// the wire once per episode, in notifies once per interval per source.
func (m *Machine) answerLowerPrio(now time.Time, ev Event) {
	iv := m.inst.AdvertInt
	if m.lower == nil {
		m.lower = new(lowerPrioLimit)
	}
	if m.lower.answer(now, iv) {
		g := m.inst.GARP
		m.emit(Action{Kind: ActSendAdvert, Priority: m.eff})
		m.arm(now, TimerAdvert, iv)
		if g.LowerPrioRepeat > 0 {
			m.emit(Action{Kind: ActSendGARP, Count: g.LowerPrioRepeat})
			if g.LowerPrioDelay > 0 {
				m.arm(now, TimerGARPLowerPrio, g.LowerPrioDelay)
			}
		}
	}
	if m.lower.notify(now, ev.Src, iv) {
		m.emit(Action{Kind: ActNotifyLowerPrio, Src: ev.Src, Priority: ev.Priority})
	}
}

// lowerPrioEnded re-announces the addresses once when a lower-priority
// episode has ended; the periodic advert timer asks. The table goes with
// the episode: every source in it was notified before the last advert
// heard, two intervals ago, so a fresh table answers the next episode
// exactly as it would, and a master that heard its yielding peer at
// start-up keeps nothing for it (issue #12: 64 bytes at each of 4,080
// masters).
func (m *Machine) lowerPrioEnded(now time.Time) {
	if !m.lower.ended(now, m.inst.AdvertInt) {
		return
	}
	m.lower = nil
	if m.inst.GARP.LowerPrioRepeat > 0 {
		m.emit(Action{Kind: ActSendGARP, Count: m.inst.GARP.LowerPrioRepeat})
	}
}
