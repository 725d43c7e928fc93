package daemon

import (
	"time"

	"github.com/vishvananda/netlink"

	"github.com/govrrpd/govrrpd/internal/netconf"
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
	s     *vrrpnet.Socket
	insts []*instance
}

func (d *Daemon) socket(ifname string, family int) (*socket, error) {
	k := sockKey{ifname, family}
	if s, ok := d.socks[k]; ok {
		return s, nil
	}
	vs, err := vrrpnet.Open(ifname, family)
	if err != nil {
		return nil, err
	}
	s := &socket{s: vs}
	d.socks[k] = s
	go d.readLoop(s)
	return s, nil
}

// readLoop copies each packet out of the socket's buffer and hands it to
// the event loop; decoding happens there, next to the instance settings.
func (d *Daemon) readLoop(s *socket) {
	for {
		p, err := s.s.Recv()
		if err != nil {
			return // socket closed
		}
		data := append([]byte(nil), p.Payload...)
		n := len(data)
		d.events <- evPacket{sock: s, at: p.At, data: data, rx: vrrp.RxFacts{Src: p.Src, Dst: p.Dst, TTL: uint8(p.TTL),
			TotalLen: n, RxLen: n}}
	}
}

func (d *Daemon) closeSockets() {
	for k, s := range d.socks {
		s.s.Close()
		delete(d.socks, k)
	}
}

// receive decodes, finds the instance by VRID, applies the receive checks
// and feeds an accepted advert to the machine.
func (d *Daemon) receive(now time.Time, e evPacket) {
	var adv vrrp.Advert
	_, trailer, err := adv.UnmarshalAuth(e.data, e.rx.Src, e.rx.Dst)
	if err != nil {
		d.log.Debug("discarding advert", "from", e.rx.Src, "reason", vrrp.DecodeReason(err).String(), "err", err)
		return
	}
	msg := e.data[:len(e.data)-len(trailer)]
	e.rx.TotalLen -= len(trailer)
	e.rx.RxLen -= len(trailer)
	for _, in := range e.sock.insts {
		if in.cfg.VRID != adv.VRID {
			continue
		}
		// Multicast loopback is off, but a bridged or hairpinned segment
		// can still bring our own adverts back.
		if in.stopped || e.rx.Src == in.src {
			return
		}
		r := vrrp.CheckAdvert(&in.cfg, &adv, &e.rx, in.lastMaster)
		if r == vrrp.RxOK {
			r = in.checkAuthHMAC(now, e.rx.Src, msg, trailer)
		}
		if r != vrrp.RxOK {
			in.stats.drops[r]++
			d.log.Info("discarding advert", "instance", in.cfg.Name, "from", e.rx.Src, "reason", r.String())
			return
		}
		in.stats.advertRcvd++
		if adv.Priority == 0 {
			in.stats.priZeroRcvd++
		}
		in.lastMaster, in.masterPrio = e.rx.Src, adv.Priority
		d.feed(in, now, vrrp.AdvertReceived(e.rx.Src, adv.Priority, adv.IntervalDuration(), int(adv.Version)))
		return
	}
}

// watchLinks subscribes to link changes so an instance whose interface goes
// down enters FAULT at once, and records the current state of every link.
func (d *Daemon) watchLinks(ctx doneCtx) error {
	links, err := netlink.LinkList()
	if err != nil {
		return err
	}
	for _, l := range links {
		d.links[l.Attrs().Name] = linkUp(l)
	}
	ch := make(chan netlink.LinkUpdate, 64)
	if err := netlink.LinkSubscribe(ch, ctx.Done()); err != nil {
		return err
	}
	go func() {
		last := map[string]bool{}
		for u := range ch {
			name, up := u.Attrs().Name, linkUp(u.Link)
			netconf.ForgetLink(name) // its index may have changed

			if prev, ok := last[name]; ok && prev == up {
				continue
			}
			last[name] = up
			select {
			case d.events <- evLink{ifname: name, up: up}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return nil
}

type doneCtx interface{ Done() <-chan struct{} }

// linkUp is keepalived's test: administratively up and carrier present.
func linkUp(l netlink.Link) bool {
	a := l.Attrs()
	return a.Flags&(1<<0) != 0 && (a.OperState == netlink.OperUp || a.OperState == netlink.OperUnknown) && a.RawFlags&(1<<16) != 0
}
