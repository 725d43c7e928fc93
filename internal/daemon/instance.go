package daemon

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/internal/garp"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// instance is one vrrp_instance at run time: its machine, its timers and
// the shared OS resources its actions use.
type instance struct {
	// cfg points into the running configuration (Daemon.cfg.Instances):
	// one copy of a kilobyte per instance, not two.
	cfg  *vrrp.Instance
	m    *vrrp.Machine
	sock *socket    // nil until attached
	garp *garpShare // nil until attached
	// auth_hmac (authhmac.go): the signer is nil unless adverts carry a
	// trailer, the verifier nil without auth_hmac.
	hmacSign   *vrrp.HMACSigner
	hmacVerify *vrrp.HMACVerifier

	// adv is the advert template, without its addresses: a vrrp.Advert
	// has room for 255 of them (6 KB), too much to keep per instance at
	// thousands of instances. sendAdvert fills the daemon's one Advert.
	// The byte-sized fields follow it, then the 4-byte ones, so that
	// they pack into seven words (issue #12: thousands of instances;
	// TestInstanceSizes).
	adv        advTemplate
	form       vrrp.ChecksumForm
	masterPrio uint8
	stopped    bool
	// The machine's interface input is up only when all of these hold
	// (usable): link up and carrier, a source address and an open socket
	// (attached), and no failed VIP add waiting for its retry.
	linkUp      bool
	attached    bool
	waitCounted bool // counted in Daemon.waiting
	addrFault   bool
	ifUp        bool       // what the machine was last told
	lastState   vrrp.State // the state of the last transition (apply.go)
	// lastReason is why the state last changed (the API's last_reason,
	// lastReasonText): the cause the transitions are counted by, or why's
	// words when they name the transition that followed.
	lastReason reason
	why        reasonHint
	garpBlk    garp.Block // its GARP/NA frames in the sender (garpShare)

	tix   [numTimers]int32 // the timers' positions on the heap + 1, 0: not armed
	idx   int32            // member index in group
	retry time.Duration    // backoff of the next VIP retry

	lastMaster     netip.Addr
	masterInt      time.Duration // the master's advertised interval
	lastAdvert     time.Time
	lastTransition time.Time
	stats          stats

	vmac  string // use_vmac interface, "" without
	group *group // nil unless in a vrrp_sync_group
}

// group is a running vrrp_sync_group.
type group struct {
	cfg     vrrp.SyncGroup
	m       *vrrp.SyncGroupMachine
	members []*instance
}

// advTemplate is what an instance's adverts carry besides the priority and
// the addresses.
type advTemplate struct {
	version  uint8
	interval uint16
	authType vrrp.AuthType
	authData [8]byte
}

// fill writes the template, prio and addrs into a.
func (t *advTemplate) fill(a *vrrp.Advert, vrid, prio uint8, addrs []netip.Addr) error {
	a.Version, a.VRID, a.Priority, a.Interval = t.version, vrid, prio, t.interval
	a.Reserved, a.AuthType, a.AuthData = 0, t.authType, t.authData
	return a.SetAddrs(addrs[:min(len(addrs), vrrp.MaxAddrs)])
}

type stats struct {
	advertRcvd, advertSent, becomeMaster, releaseMaster uint64
	priZeroRcvd, priZeroSent, garpSent                  uint64
	drops                                               map[string]uint64 // by drop label (rx.go), nil until the first
	trans                                               []transCount      // by from, to, cause (transitions.go)
}

func (in *instance) family() int {
	if in.cfg.Family == vrrp.IPv6 {
		return 6
	}
	return 4
}

// source is the address our adverts leave from, none until attached: the
// machine keeps it as "our address" (SetAddr), and an instance keeps no
// copy (issue #12).
func (in *instance) source() netip.Addr {
	if !in.attached {
		return netip.Addr{}
	}
	return in.m.Addr()
}

func (in *instance) usable() bool { return in.linkUp && in.attached && !in.addrFault }

// newInstance builds an instance and attaches it to its interface. An
// interface that does not exist yet or has no address of the family does
// not stop the daemon: the instance runs in FAULT until the interface
// can carry it (keepalived: "entering FAULT state (no IPv4 address for
// interface)"), and attach is tried again on every link or address change.
func (d *Daemon) newInstance(cfg *vrrp.Instance) (*instance, error) {
	in := d.instSlab.new()
	in.cfg, in.linkUp = cfg, true
	if cfg.Interface == "" {
		return nil, fmt.Errorf("vrrp %s: no interface (interface-less unicast instances are not supported yet)", cfg.Name)
	}
	if up, ok := d.links[cfg.Interface]; ok {
		in.linkUp = up
	}
	var err error
	if in.vmac, err = d.setupVMAC(cfg); err != nil {
		return nil, err
	}
	if err := in.setupAuthHMAC(nil); err != nil {
		return nil, err
	}
	if err := d.buildAdvert(in); err != nil {
		return nil, err
	}
	var sg *vrrp.SyncGroup
	for i := range d.cfg.SyncGroups {
		for _, m := range d.cfg.SyncGroups[i].Members {
			if m == cfg.Name {
				sg = &d.cfg.SyncGroups[i]
			}
		}
	}
	defs := vrrp.DefsFrom(d.cfg.Scripts, d.cfg.Files, d.cfg.Processes, d.cfg.BFDTrackers()...)
	tr, err := vrrp.NewTracking(cfg, sg, defs)
	if err != nil {
		return nil, err
	}
	for _, ig := range tr.Ignored() {
		d.log.Warn("weighted tracker on a sync group member ignored (set sync_group_tracking_weight)", "instance", cfg.Name, "tracker", ig)
	}
	if in.m, err = vrrp.NewMachine(cfg, vrrp.MachineOptions{Addr: cfg.Options().UnicastSrc, Tracking: tr, Storage: d.machSlab.new()}); err != nil {
		return nil, err
	}
	if err := d.attach(in); err != nil {
		return nil, err
	}
	if !in.attached {
		in.waitCounted = true
		d.waiting.Add(1)
	}
	return in, nil
}

// errNoLink and errNoAddr are what a port returns for an interface that
// is missing or has no usable address: waiting conditions, not errors.
var (
	errNoLink = errors.New("interface does not exist")
	errNoAddr = errors.New("no usable address")
)

// attach opens the instance's socket and GARP sender and finds its source
// address. A missing interface or address leaves it detached (nil error).
func (d *Daemon) attach(in *instance) error {
	if in.attached {
		return nil
	}
	cfg, fam, opts := in.cfg, in.family(), in.cfg.Options()
	src := opts.UnicastSrc
	if !src.IsValid() {
		src = opts.McastSrc
	}
	if !src.IsValid() {
		a, err := d.primaryAddr(cfg.Interface, fam)
		if errors.Is(err, errNoLink) || errors.Is(err, errNoAddr) {
			d.detached(in, err)
			return nil
		}
		if err != nil {
			return fmt.Errorf("vrrp %s: %w", cfg.Name, err)
		}
		src = a
	}
	xmit := cfg.Interface
	if in.vmac != "" && !cfg.VMAC.XmitBase {
		xmit = in.vmac
	}
	sock, err := d.socket(xmit, fam)
	if errors.Is(err, errNoLink) {
		d.detached(in, err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("vrrp %s: %w", cfg.Name, err)
	}
	if len(opts.UnicastPeers) == 0 {
		if err := sock.join(in.mcastGroup()); err != nil {
			d.releaseSocket(sock)
			return fmt.Errorf("vrrp %s: %w", cfg.Name, err)
		}
	}
	garpIf := cfg.Interface
	if in.vmac != "" {
		garpIf = in.vmac
	}
	gs, err := d.garpFor(garpIf)
	if err == nil {
		in.garpBlk, err = gs.a.Prepare(0, d.advertAddrs(cfg))
	}
	if err != nil {
		d.releaseSocket(sock)
		return fmt.Errorf("vrrp %s: %w", cfg.Name, err)
	}
	if cfg.V3ChecksumAsV2 && cfg.Version == 3 && fam == 4 {
		in.form = vrrp.ChecksumPlain
	}
	d.unwait(in)
	in.sock, in.garp, in.attached = sock, gs, true
	sock.add(in)
	in.m.SetAddr(src)
	return nil
}

// primaryAddr asks the system once per interface and family: an address
// dump costs as much as the interface has addresses, and thousands of
// instances share a few interfaces. A link or address change on the
// interface forgets the answer (forgetPrimary).
func (d *Daemon) primaryAddr(ifname string, fam int) (netip.Addr, error) {
	k := sockKey{ifname, fam}
	if a, ok := d.primary[k]; ok {
		return a, nil
	}
	a, err := d.sys.PrimaryAddr(ifname, fam)
	if err == nil {
		d.primary[k] = a
	}
	return a, err
}

func (d *Daemon) forgetPrimary(ifname string) {
	delete(d.primary, sockKey{ifname, 4})
	delete(d.primary, sockKey{ifname, 6})
}

// unwait takes the instance off the waiting count.
func (d *Daemon) unwait(in *instance) {
	if in.waitCounted {
		in.waitCounted = false
		d.waiting.Add(-1)
	}
}

func (d *Daemon) detached(in *instance, why error) {
	if in.cfg.Family == vrrp.IPv4 && errors.Is(why, errNoAddr) {
		d.log.Warn("entering FAULT state (no IPv4 address for interface)", "instance", in.cfg.Name, "interface", in.cfg.Interface)
		return
	}
	if errors.Is(why, errNoLink) && !d.cfg.VRRP.DynamicInterfaces {
		d.log.Error("interface for vrrp instance doesn't exist; waiting in FAULT for it (keepalived needs dynamic_interfaces for this)",
			"instance", in.cfg.Name, "interface", in.cfg.Interface)
		return
	}
	d.log.Warn("entering FAULT state: waiting for the interface", "instance", in.cfg.Name, "interface", in.cfg.Interface, "reason", why.Error())
}

// detach gives back what attach took, when the instance goes away.
func (d *Daemon) detach(in *instance) {
	if !in.attached {
		return
	}
	in.garp.a.Forget(in.garpBlk)
	d.releaseGarp(in.garp)
	in.sock.remove(in)
	d.releaseSocket(in.sock)
	in.sock, in.garp, in.garpBlk, in.attached = nil, nil, 0, false
}

// syncIface tells the machine when the instance's usable state changed.
func (d *Daemon) syncIface(in *instance, now time.Time) {
	up := in.usable()
	if up == in.ifUp {
		return
	}
	in.ifUp = up
	d.feed(in, now, vrrp.InterfaceState(up))
}

// feed gives ev to the instance, through its sync group if it has one, and
// carries out the resulting actions.
func (d *Daemon) feed(in *instance, now time.Time, ev vrrp.Event) {
	d.cause = causeOf(ev)
	if in.group == nil {
		// The daemon's one action buffer, taken while in use: an action
		// that feeds another instance gets a buffer of its own.
		acts := in.m.HandleInto(d.acts, now, ev)
		d.acts = nil
		d.apply(in, acts, now)
		d.acts = acts[:0]
	} else {
		g := in.group
		for _, ma := range g.m.Handle(now, int(in.idx), ev) {
			if ma.Member == vrrp.GroupMember {
				d.notifyGroup(g, ma.Action)
				continue
			}
			d.apply(g.members[ma.Member], []vrrp.Action{ma.Action}, now)
		}
	}
	// A VIP that could not be added puts its instance in FAULT (after
	// the machine's actions are carried out: they share its buffer).
	for _, x := range d.faulted {
		d.syncIface(x, now)
	}
	d.faulted = d.faulted[:0]
}

func (d *Daemon) notifyGroup(g *group, a vrrp.Action) {
	if a.Kind != vrrp.ActNotify {
		return
	}
	d.log.Info("sync group entering state", "group", g.cfg.Name, "state", a.State.String())
	d.notifier.Post(notify.Event{Kind: "GROUP", Name: g.cfg.Name, State: a.State.String(), Priority: 0,
		Specific: notifySpec(&g.cfg.Notify, a.State), Generic: g.cfg.Notify.Generic})
}

// notifySpec is the notify_<state> command for s.
func notifySpec(n *vrrp.Notify, s vrrp.State) script.Spec {
	switch s {
	case vrrp.StateBackup:
		return n.Backup
	case vrrp.StateFault:
		return n.Fault
	case vrrp.StateStop:
		return n.Stop
	}
	return n.Master
}

// buildAdvert prepares the advert template: everything but the priority is
// fixed for the life of the instance. The daemon's one Advert checks the
// addresses fit.
func (d *Daemon) buildAdvert(in *instance) error {
	scratch := &d.scratch
	c := in.cfg
	in.adv = advTemplate{version: uint8(c.Version)}
	if c.Family == vrrp.IPv6 {
		in.adv.version = 3
	}
	iv, err := vrrp.IntervalToWire(int(in.adv.version), c.AdvertInt)
	if err != nil {
		return fmt.Errorf("vrrp %s: %w", c.Name, err)
	}
	in.adv.interval = iv
	if in.adv.version == 2 && c.Auth.Type == vrrp.AuthPass {
		in.adv.authType = vrrp.AuthPass
		in.adv.authData = vrrp.PassAuthData(c.Auth.Pass)
	}
	addrs := d.advertAddrs(c)
	if in.garp != nil { // a reload: the GARP frames follow the new set
		var err error
		if in.garpBlk, err = in.garp.a.Prepare(in.garpBlk, addrs); err != nil {
			return fmt.Errorf("vrrp %s: %w", c.Name, err)
		}
	}
	if err := in.adv.fill(scratch, c.VRID, 0, addrs); err != nil {
		return fmt.Errorf("vrrp %s: %w", c.Name, err)
	}
	return nil
}

// mcastGroup is where in's multicast adverts go: mcast_dst_ip, else the
// family's VRRP group.
func (in *instance) mcastGroup() netip.Addr {
	if o := in.cfg.Opts; o != nil && o.McastDst.IsValid() {
		return o.McastDst
	}
	return vrrp.Group(in.cfg.Family)
}

// advertAddrs lists c's VIPs as adverts and GARP carry them (the
// firewall's list, with eVIPs and zones, is instance.vipAddrs) in the
// daemon's one buffer, valid until the next call: an instance keeps no
// copy of its addresses (48 bytes each at thousands of instances, #12).
func (d *Daemon) advertAddrs(c *vrrp.Instance) []netip.Addr {
	d.vipBuf = d.vipBuf[:0]
	for _, a := range c.VIPs {
		d.vipBuf = append(d.vipBuf, a.Prefix.Addr())
	}
	return d.vipBuf
}
