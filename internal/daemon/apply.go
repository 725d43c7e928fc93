package daemon

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/vrrp"
)

// apply carries out a machine's actions in order. The "VIP added" lines
// wait until the GARPs and the advert that follow are out: a log line
// measured 50–370 µs on the takeover path, the clients' time.
//
// A failed VIP add drops the rest of a takeover (its GARPs, its advert,
// its MASTER notify): a router must never advertise a mastership it
// cannot serve. feed then puts the instance in FAULT, and the add is
// retried with a backoff (retryAddresses).
func (d *Daemon) apply(in *instance, acts []vrrp.Action, now time.Time) {
	var added []vrrp.Address
	logAdded := func() {
		for _, a := range added {
			d.log.Info("VIP added", "instance", in.cfg.Name, "addr", a.Prefix, "dev", in.dev(a))
		}
		added = nil
	}
	defer logAdded()
	failed := false
	for _, a := range acts {
		switch a.Kind {
		case vrrp.ActArmTimer:
			d.timers.arm(in, a.Timer, a.At, now)
		case vrrp.ActStopTimer:
			d.timers.stop(in, a.Timer)
		case vrrp.ActRemoveAddresses:
			d.removeAddresses(in)
		case vrrp.ActAddAddresses:
			var ok bool
			added, ok = d.addAddresses(in)
			if !ok {
				failed = true
				d.addrFailed(in)
			}
		case vrrp.ActHandoverDone:
			d.handoverDone(in, a)
		default:
			if failed {
				continue
			}
			if a.Kind == vrrp.ActNotify {
				logAdded()
			}
			d.announce(in, a)
		}
	}
}

// announce carries out the actions that speak to peers, clients and
// scripts.
func (d *Daemon) announce(in *instance, a vrrp.Action) {
	switch a.Kind {
	case vrrp.ActSendAdvert:
		d.sendAdvert(in, a.Priority)
	case vrrp.ActSendGARP:
		if in.garp == nil {
			return
		}
		if err := in.garp.a.Announce(in.garpBlk, a.Count); err != nil {
			d.pktLog.Warn("gratuitous ARP", "instance", in.cfg.Name, "err", err)
			return
		}
		in.stats.garpSent += uint64(a.Count * len(in.cfg.VIPs))
	case vrrp.ActNotify:
		d.notifyState(in, a.State, a.Priority)
	case vrrp.ActNotifyLowerPrio:
		d.pktLog.Info("master received lower priority advert", "instance", in.cfg.Name, "from", a.Src)
		d.notifier.Post(notify.Event{Kind: "INSTANCE", Name: in.cfg.Name, State: "MASTER_RX_LOWER_PRI",
			Priority: int(a.Priority), Specific: in.cfg.Notifies().MasterRxLowerPri})
	case vrrp.ActNotifyPriority:
		d.notifier.Post(notify.Event{Kind: "INSTANCE", Name: in.cfg.Name,
			State: a.State.String() + "_PRIORITY", Priority: int(a.Priority)})
	}
}

// sendAdvert encodes through the daemon's one Advert into its one send
// buffer: only the loop sends, so no instance needs either of its own.
// While the loop fires advert timers (d.batching) the advert waits in
// its socket's batch for flushSends.
func (d *Daemon) sendAdvert(in *instance, prio uint8) {
	if in.sock == nil {
		return
	}
	a := &d.scratch
	if err := in.adv.fill(a, in.cfg.VRID, prio, d.advertAddrs(in.cfg)); err != nil {
		d.log.Error("encode advert", "instance", in.cfg.Name, "err", err)
		return
	}
	if peers := in.cfg.Peers(); len(peers) > 0 {
		for _, p := range peers {
			if !d.sendAdvertTo(in, p.Addr, prio) {
				return
			}
		}
		return
	}
	d.sendAdvertTo(in, in.mcastGroup(), prio)
}

// sendAdvertTo sends the advert in d.scratch to dst; false if it could
// not be encoded (no other destination will do better).
func (d *Daemon) sendAdvertTo(in *instance, dst netip.Addr, prio uint8) bool {
	src := in.source()
	b, err := d.scratch.AppendSigned(d.sendBuf[:0], src, dst, in.form, in.hmacSign, time.Now())
	if err != nil {
		d.log.Error("encode advert", "instance", in.cfg.Name, "err", err)
		return false
	}
	d.sendBuf = b
	if d.batching {
		d.queueAdvert(in, b, dst, prio)
		return true
	}
	if err := in.sock.t.Send(b, src, dst); err != nil {
		d.pktLog.Warn("send advert", "instance", in.cfg.Name, "to", dst, "err", err)
		return true
	}
	in.countSent(prio)
	return true
}

func (in *instance) countSent(prio uint8) {
	in.stats.advertSent++
	if prio == 0 {
		in.stats.priZeroSent++
	}
}

// dev is the interface an address goes on: its own `dev`, else the VMAC,
// else the instance's interface.
func (in *instance) dev(a vrrp.Address) string {
	if dev := a.Options().Dev; dev != "" {
		return dev
	}
	if in.vmac != "" {
		return in.vmac
	}
	return in.cfg.Interface
}

// addAddresses installs the VIPs and returns those it added, for the
// caller to log, and false if any could not be added.
func (d *Daemon) addAddresses(in *instance) ([]vrrp.Address, bool) {
	var added []vrrp.Address
	for _, list := range [][]vrrp.Address{in.cfg.VIPs, in.cfg.Options().ExcludedVIPs} {
		for _, a := range list {
			if err := d.sys.AddAddr(in.dev(a), a); err != nil {
				d.log.Error("add VIP", "instance", in.cfg.Name, "addr", a.Prefix, "err", err)
				return added, false
			}
			added = append(added, a)
		}
	}
	d.setNoAccept(in, true)
	d.addRoutesRules(in)
	return added, true
}

// addrFailed takes the instance to FAULT after a failed VIP add (feed
// does it once the actions are out) and schedules a retry: 1 s, doubling
// to 30 s.
func (d *Daemon) addrFailed(in *instance) {
	in.addrFault = true
	in.retry = min(max(2*in.retry, time.Second), 30*time.Second)
	in.why = reasonHint{vrrp.StateFault, reasonNoVIP}
	d.log.Error(fmt.Sprintf("entering FAULT state (cannot add VIP), retrying in %s", in.retry), "instance", in.cfg.Name)
	d.faulted = append(d.faulted, in)
	d.after(in.retry, evRetry{in: in})
}

// retryAddresses lifts the FAULT of a failed VIP add; the election runs
// again and, if the instance wins, the add is tried again.
func (d *Daemon) retryAddresses(in *instance, now time.Time) {
	if in.stopped || !in.addrFault {
		return
	}
	in.addrFault = false
	d.syncIface(in, now)
}

func (d *Daemon) removeAddresses(in *instance) {
	if d.opts.DontReleaseVRRP && d.stopping {
		return
	}
	d.removeRoutesRules(in)
	for _, list := range [][]vrrp.Address{in.cfg.Options().ExcludedVIPs, in.cfg.VIPs} {
		for _, a := range list {
			removed, err := d.sys.DelAddr(in.dev(a), a)
			if err != nil {
				d.log.Error("remove VIP", "instance", in.cfg.Name, "err", err)
				continue
			}
			if removed {
				d.log.Info("VIP removed", "instance", in.cfg.Name, "addr", a.Prefix, "dev", in.dev(a))
			}
		}
	}
	d.setNoAccept(in, false)
}

func (d *Daemon) notifyState(in *instance, s vrrp.State, prio uint8) {
	d.log.Info("entering state", "instance", in.cfg.Name, "state", s.String(), "priority", prio, "reason", d.cause.String())
	if s == vrrp.StateMaster {
		in.stats.becomeMaster++
		in.retry = 0
	} else if in.lastState == vrrp.StateMaster {
		in.stats.releaseMaster++
	}
	d.countTransition(in, s)
	d.noteReason(in, s)
	in.lastState, in.lastTransition = s, d.now()
	nf := in.cfg.Notifies()
	d.notifier.Post(notify.Event{Kind: "INSTANCE", Name: in.cfg.Name, State: s.String(), Priority: int(prio),
		Specific: notifySpec(&nf, s), Generic: nf.Generic})
	if !d.stopping {
		d.syncd.Follow(in.cfg.Name, s == vrrp.StateMaster)
	}
}
