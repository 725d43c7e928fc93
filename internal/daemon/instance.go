package daemon

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/internal/garp"
	"github.com/govrrpd/govrrpd/internal/netconf"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/vrrp"
)

// instance is one vrrp_instance at run time: its machine and the OS
// resources its actions use.
type instance struct {
	cfg  vrrp.Instance
	m    *vrrp.Machine
	sock *socket
	garp *garp.Sender
	src  netip.Addr   // source address of our adverts
	dsts []netip.Addr // multicast group or unicast peers
	form vrrp.ChecksumForm

	adv  vrrp.Advert
	buf  []byte
	vips []netip.Addr // for GARP

	timers   [8]*time.Timer // fallback when a timerfd cannot be had
	ftimers  [8]*fdTimer
	timerGen [8]uint64
	deadline [8]time.Time
	prewake  [8]time.Duration // how long before deadline the timerfd wakes us (prewake.go)
	stopped  bool

	lastMaster     netip.Addr
	masterPrio     uint8
	lastTransition time.Time
	lastState      vrrp.State
	stats          stats

	vmac  string // use_vmac interface, "" without
	group *group // nil unless in a vrrp_sync_group
	idx   int    // member index in group
}

// group is a running vrrp_sync_group.
type group struct {
	cfg     vrrp.SyncGroup
	m       *vrrp.SyncGroupMachine
	members []*instance
}

type stats struct {
	advertRcvd, advertSent, becomeMaster, releaseMaster uint64
	priZeroRcvd, priZeroSent                            uint64
	drops                                               map[vrrp.RxReason]uint64
}

func (d *Daemon) newInstance(cfg *vrrp.Instance) (*instance, error) {
	in := &instance{cfg: *cfg, buf: make([]byte, 0, 1500)}
	in.stats.drops = map[vrrp.RxReason]uint64{}
	fam := 4
	if cfg.Family == vrrp.IPv6 {
		fam = 6
	}
	if cfg.Interface == "" {
		return nil, fmt.Errorf("vrrp %s: no interface (interface-less unicast instances are not supported yet)", cfg.Name)
	}
	var err error
	if in.vmac, err = d.setupVMAC(cfg); err != nil {
		return nil, err
	}
	xmit := cfg.Interface
	if in.vmac != "" && !cfg.VMAC.XmitBase {
		xmit = in.vmac
	}
	if in.sock, err = d.socket(xmit, fam); err != nil {
		return nil, fmt.Errorf("vrrp %s: %w", cfg.Name, err)
	}
	in.sock.insts = append(in.sock.insts, in)
	// Our address: configured source, else the interface's primary
	// address (link-local for IPv6), looked up before any VIP is added.
	in.src = cfg.UnicastSrc
	if !in.src.IsValid() {
		in.src = cfg.McastSrc
	}
	if !in.src.IsValid() {
		if in.src, err = netconf.PrimaryAddr(cfg.Interface, fam); err != nil {
			return nil, fmt.Errorf("vrrp %s: %w", cfg.Name, err)
		}
	}
	if len(cfg.UnicastPeers) > 0 {
		for _, p := range cfg.UnicastPeers {
			in.dsts = append(in.dsts, p.Addr)
		}
	} else {
		g := cfg.McastDst
		if !g.IsValid() {
			g = vrrp.Group(cfg.Family)
		}
		if err := in.sock.s.Join(g); err != nil {
			return nil, fmt.Errorf("vrrp %s: %w", cfg.Name, err)
		}
		in.dsts = []netip.Addr{g}
	}
	if cfg.V3ChecksumAsV2 && cfg.Version == 3 && fam == 4 {
		in.form = vrrp.ChecksumPlain
	}
	if err := in.buildAdvert(); err != nil {
		return nil, err
	}
	garpIf := cfg.Interface
	if in.vmac != "" {
		garpIf = in.vmac
	}
	if in.garp, err = garp.NewSender(garpIf); err != nil {
		return nil, fmt.Errorf("vrrp %s: %w", cfg.Name, err)
	}
	if err := in.garp.Prepare(nil, in.vips); err != nil {
		return nil, fmt.Errorf("vrrp %s: %w", cfg.Name, err)
	}
	var sg *vrrp.SyncGroup
	for i := range d.cfg.SyncGroups {
		for _, m := range d.cfg.SyncGroups[i].Members {
			if m == cfg.Name {
				sg = &d.cfg.SyncGroups[i]
			}
		}
	}
	defs := vrrp.DefsFrom(d.cfg.Scripts, d.cfg.Files, d.cfg.Processes)
	tr, err := vrrp.NewTracking(cfg, sg, defs)
	if err != nil {
		return nil, err
	}
	for _, ig := range tr.Ignored() {
		d.log.Warn("weighted tracker on a sync group member ignored (set sync_group_tracking_weight)", "instance", cfg.Name, "tracker", ig)
	}
	if in.m, err = vrrp.NewMachine(cfg, vrrp.MachineOptions{Addr: in.src, Tracking: tr}); err != nil {
		return nil, err
	}
	return in, nil
}

// feed gives ev to the instance, through its sync group if it has one, and
// carries out the resulting actions.
func (d *Daemon) feed(in *instance, now time.Time, ev vrrp.Event) {
	if in.group == nil {
		d.apply(in, in.m.Handle(now, ev))
		return
	}
	g := in.group
	for _, ma := range g.m.Handle(now, in.idx, ev) {
		if ma.Member == vrrp.GroupMember {
			d.notifyGroup(g, ma.Action)
			continue
		}
		d.apply(g.members[ma.Member], []vrrp.Action{ma.Action})
	}
}

func (d *Daemon) notifyGroup(g *group, a vrrp.Action) {
	if a.Kind != vrrp.ActNotify {
		return
	}
	d.log.Info("sync group entering state", "group", g.cfg.Name, "state", a.State.String())
	spec := g.cfg.Notify.Master
	switch a.State {
	case vrrp.StateBackup:
		spec = g.cfg.Notify.Backup
	case vrrp.StateFault:
		spec = g.cfg.Notify.Fault
	case vrrp.StateStop:
		spec = g.cfg.Notify.Stop
	}
	d.notifier.Post(notify.Event{Kind: "GROUP", Name: g.cfg.Name, State: a.State.String(), Priority: 0,
		Specific: spec, Generic: g.cfg.Notify.Generic})
}

// buildAdvert prepares the advert template: everything but the priority is
// fixed for the life of the instance.
func (in *instance) buildAdvert() error {
	c := &in.cfg
	in.adv = vrrp.Advert{Version: uint8(c.Version), VRID: c.VRID}
	if c.Family == vrrp.IPv6 {
		in.adv.Version = 3
	}
	iv, err := vrrp.IntervalToWire(int(in.adv.Version), c.AdvertInt)
	if err != nil {
		return fmt.Errorf("vrrp %s: %w", c.Name, err)
	}
	in.adv.Interval = iv
	if in.adv.Version == 2 && c.Auth.Type == vrrp.AuthPass {
		in.adv.AuthType = vrrp.AuthPass
		in.adv.AuthData = vrrp.PassAuthData(c.Auth.Pass)
	}
	in.vips = in.vips[:0]
	for _, a := range c.VIPs {
		in.vips = append(in.vips, a.Prefix.Addr())
	}
	n := len(in.vips)
	if n > vrrp.MaxAddrs {
		n = vrrp.MaxAddrs
	}
	if in.garp != nil { // a reload: the GARP frames follow the new set
		if err := in.garp.Prepare(nil, in.vips); err != nil {
			return fmt.Errorf("vrrp %s: %w", c.Name, err)
		}
	}
	return in.adv.SetAddrs(in.vips[:n])
}

// apply carries out a machine's actions in order. The "VIP added" lines
// wait until the GARPs and the advert that follow are out: a log line
// measured 50–370 µs on the takeover path, the clients' time.
func (d *Daemon) apply(in *instance, acts []vrrp.Action) {
	var added []vrrp.Address
	logAdded := func() {
		for _, a := range added {
			d.log.Info("VIP added", "instance", in.cfg.Name, "addr", a.Prefix, "dev", in.dev(a))
		}
		added = nil
	}
	defer logAdded()
	for _, a := range acts {
		switch a.Kind {
		case vrrp.ActSendAdvert:
			d.sendAdvert(in, a.Priority)
		case vrrp.ActArmTimer:
			in.arm(d, a.Timer, a.At)
		case vrrp.ActStopTimer:
			in.stopTimer(a.Timer)
		case vrrp.ActAddAddresses:
			added = d.addAddresses(in)
		case vrrp.ActRemoveAddresses:
			d.removeAddresses(in)
		case vrrp.ActSendGARP:
			if err := in.garp.Announce(nil, in.vips, a.Count); err != nil {
				d.log.Warn("gratuitous ARP", "instance", in.cfg.Name, "err", err)
			}
		case vrrp.ActNotify:
			logAdded()
			d.notifyState(in, a.State, a.Priority)
		case vrrp.ActNotifyLowerPrio:
			d.log.Info("master received lower priority advert", "instance", in.cfg.Name, "from", a.Src)
			d.notifier.Post(notify.Event{Kind: "INSTANCE", Name: in.cfg.Name, State: "MASTER_RX_LOWER_PRI",
				Priority: int(a.Priority), Specific: in.cfg.Notify.MasterRxLowerPri})
		case vrrp.ActHandoverDone:
			d.handoverDone(in, a)
		case vrrp.ActNotifyPriority:
			d.notifier.Post(notify.Event{Kind: "INSTANCE", Name: in.cfg.Name,
				State: a.State.String() + "_PRIORITY", Priority: int(a.Priority)})
		}
	}
}

func (d *Daemon) sendAdvert(in *instance, prio uint8) {
	in.adv.Priority = prio
	for _, dst := range in.dsts {
		b, err := in.adv.AppendTo(in.buf[:0], in.src, dst, in.form)
		if err != nil {
			d.log.Error("encode advert", "instance", in.cfg.Name, "err", err)
			return
		}
		in.buf = b
		if err := in.sock.s.Send(b, in.src, dst); err != nil {
			d.log.Warn("send advert", "instance", in.cfg.Name, "to", dst, "err", err)
			continue
		}
		in.stats.advertSent++
		if prio == 0 {
			in.stats.priZeroSent++
		}
	}
}

// dev is the interface an address goes on: its own `dev`, else the VMAC,
// else the instance's interface.
func (in *instance) dev(a vrrp.Address) string {
	if a.Dev != "" {
		return a.Dev
	}
	if in.vmac != "" {
		return in.vmac
	}
	return in.cfg.Interface
}

// addAddresses installs the VIPs and returns those it added, for the
// caller to log.
func (d *Daemon) addAddresses(in *instance) []vrrp.Address {
	defer d.addRoutesRules(in)
	defer d.setNoAccept(in, true)
	var added []vrrp.Address
	for _, list := range [][]vrrp.Address{in.cfg.VIPs, in.cfg.ExcludedVIPs} {
		for _, a := range list {
			if err := netconf.AddAddr(in.dev(a), a); err != nil {
				d.log.Error("add VIP", "instance", in.cfg.Name, "err", err)
				continue
			}
			added = append(added, a)
		}
	}
	return added
}

func (d *Daemon) removeAddresses(in *instance) {
	if d.opts.DontReleaseVRRP && d.stopping {
		return
	}
	d.removeRoutesRules(in)
	for _, list := range [][]vrrp.Address{in.cfg.ExcludedVIPs, in.cfg.VIPs} {
		for _, a := range list {
			removed, err := netconf.DelAddr(in.dev(a), a)
			if err != nil {
				d.log.Error("remove VIP", "instance", in.cfg.Name, "err", err)
				continue
			}
			if removed {
				d.log.Info("VIP removed", "instance", in.cfg.Name, "addr", a.Prefix, "dev", in.dev(a))
			}
		}
	}
	if d.fw != nil {
		d.setNoAccept(in, false)
	}
}

func (d *Daemon) notifyState(in *instance, s vrrp.State, prio uint8) {
	d.log.Info("entering state", "instance", in.cfg.Name, "state", s.String(), "priority", prio)
	if s == vrrp.StateMaster {
		in.stats.becomeMaster++
	} else if in.lastState == vrrp.StateMaster {
		in.stats.releaseMaster++
	}
	in.lastState, in.lastTransition = s, time.Now()
	var spec = in.cfg.Notify.Master
	switch s {
	case vrrp.StateBackup:
		spec = in.cfg.Notify.Backup
	case vrrp.StateFault:
		spec = in.cfg.Notify.Fault
	case vrrp.StateStop:
		spec = in.cfg.Notify.Stop
	}
	d.notifier.Post(notify.Event{Kind: "INSTANCE", Name: in.cfg.Name, State: s.String(), Priority: int(prio),
		Specific: spec, Generic: in.cfg.Notify.Generic})
	if !d.stopping {
		d.syncd.Follow(in.cfg.Name, s == vrrp.StateMaster)
	}
}

// arm (re)starts a timer to fire at the machine's deadline; the
// generation number makes a fire from an earlier arming harmless.
func (in *instance) arm(d *Daemon, id vrrp.TimerID, at time.Time) {
	in.stopTimer(id)
	in.timerGen[id]++
	gen := in.timerGen[id]
	after := time.Until(at)
	in.deadline[id] = at
	in.prewake[id] = prewakeFor(id, after)
	if in.ftimers[id] == nil {
		t, err := newFDTimer(func(g uint64) { d.events <- evTimer{inst: in, id: id, gen: g} })
		if err == nil {
			in.ftimers[id] = t
		}
	}
	if t := in.ftimers[id]; t != nil {
		t.set(after-in.prewake[id], gen)
		return
	}
	in.prewake[id] = 0
	in.timers[id] = time.AfterFunc(after, func() { d.events <- evTimer{inst: in, id: id, gen: gen} })
}

// closeTimers releases the timerfds of an instance that is going away.
func (in *instance) closeTimers() {
	for i, t := range in.ftimers {
		if t != nil {
			t.close()
			in.ftimers[i] = nil
		}
	}
}

func (in *instance) stopTimer(id vrrp.TimerID) {
	if t := in.timers[id]; t != nil {
		t.Stop()
		in.timers[id] = nil
	}
	if t := in.ftimers[id]; t != nil {
		t.stop()
	}
	in.timerGen[id]++
}

func (in *instance) stopTimers() {
	for i := range in.timers {
		in.stopTimer(vrrp.TimerID(i))
	}
}
