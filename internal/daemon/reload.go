package daemon

import (
	"net/netip"
	"reflect"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/netconf"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/vrrp"
)

// evReloaded carries a configuration read for a reload to the loop.
type evReloaded struct {
	cfg   *confparse.Config
	diags confparse.Diagnostics
}

// startReload reads the file in the background; reloads queue behind each
// other so their order is the order of the signals.
func (d *Daemon) startReload() {
	d.reloadMu.Lock()
	go func() {
		defer d.reloadMu.Unlock()
		cfg, diags := confparse.Load(d.opts.ConfigFile, d.opts.Parse)
		d.events <- evReloaded{cfg, diags}
	}()
}

// instKey matches instances across a reload the way keepalived does: by
// VRID, address family and interface, not by name.
type instKey struct {
	vrid   uint8
	family vrrp.Family
	iface  string
}

func keyOf(c *vrrp.Instance) instKey { return instKey{c.VRID, c.Family, c.Interface} }

// reload re-reads the configuration. The new file is validated in full
// first; if it brings errors the running configuration was free of, it is
// refused and nothing changes. Otherwise matched instances keep their
// state, send no notify and touch no address unless their own addresses
// changed; added instances start, removed ones stop.
//
// Reading and checking the file happens off the event loop (startReload),
// so a large configuration never delays an advert; only the swap runs
// here.
func (d *Daemon) reload(cfg *confparse.Config, diags confparse.Diagnostics) {
	defer d.sdNotify("READY=1")
	if bad := d.newProblems(diags); len(bad) > 0 {
		for _, b := range bad {
			d.log.Error("reload refused", "at", b.Pos.String(), "msg", b.Msg)
		}
		d.log.Error("reload refused: keeping the running configuration", "errors", len(bad))
		d.reloads.refused++
		return
	}
	if len(cfg.SyncGroups) > 0 || len(d.cfg.SyncGroups) > 0 {
		if !reflect.DeepEqual(stripGroups(cfg.SyncGroups), stripGroups(d.cfg.SyncGroups)) {
			d.log.Warn("reload: vrrp_sync_group changes take effect at restart; groups are unchanged")
		}
	}
	now := time.Now()
	old := map[instKey]*instance{}
	for _, in := range d.insts {
		old[keyOf(&in.cfg)] = in
	}
	var next []*instance
	for i := range cfg.Instances {
		nc := &cfg.Instances[i]
		in, ok := old[keyOf(nc)]
		if !ok {
			ni, err := d.newInstance(nc)
			if err != nil {
				d.log.Error("reload: cannot start instance", "instance", nc.Name, "err", err)
				continue
			}
			d.log.Info("reload: instance added", "instance", nc.Name)
			d.feed(ni, now, vrrp.Startup())
			d.replayTrackers(ni, now)
			next = append(next, ni)
			continue
		}
		delete(old, keyOf(nc))
		d.updateInstance(in, nc, now)
		next = append(next, in)
	}
	for _, in := range old {
		d.removeInstance(in, now)
	}
	d.insts = next
	d.cfg.Instances = cfg.Instances
	d.restartTrackGroups()
	d.cfg.Scripts, d.cfg.Files, d.cfg.Processes = cfg.Scripts, cfg.Files, cfg.Processes
	if d.probes != nil {
		d.probes.Update(trackSettings(d.cfg, d))
	} else {
		d.startTrackers(d.ctx)
	}
	if !d.opts.VRRPOnly {
		d.lvs.Reload(d.ctx, cfg)
		d.cfg.VirtualServers, d.cfg.ServerGroups, d.cfg.Checkers = cfg.VirtualServers, cfg.ServerGroups, cfg.Checkers
	}
	d.baseline = diags
	d.reloads.done++
	d.log.Info("reload complete", "instances", len(d.insts))
}

// newProblems returns the diagnostics of a new load that are errors and
// that the running configuration did not already have (compared by
// message, since line numbers move when lines are added above).
func (d *Daemon) newProblems(diags confparse.Diagnostics) confparse.Diagnostics {
	seen := map[string]bool{}
	for _, b := range d.baseline {
		seen[b.Msg] = true
	}
	var bad confparse.Diagnostics
	for _, x := range diags {
		if x.Severity >= confparse.Fatal && !seen[x.Msg] {
			bad = append(bad, x)
		}
	}
	return bad
}

func stripGroups(gs []vrrp.SyncGroup) []vrrp.SyncGroup {
	out := append([]vrrp.SyncGroup(nil), gs...)
	for i := range out {
		out[i].Source = ""
	}
	return out
}

// updateInstance applies a matched instance's new settings without a state
// change where keepalived would keep it.
func (d *Daemon) updateInstance(in *instance, nc *vrrp.Instance, now time.Time) {
	oldc := in.cfg
	a, b := oldc, *nc
	a.Source, b.Source, a.Name, b.Name = "", "", "", ""
	a.VIPs, b.VIPs, a.ExcludedVIPs, b.ExcludedVIPs = nil, nil, nil, nil
	a.Priority, b.Priority = 0, 0
	a.Notify, b.Notify = vrrp.Notify{}, vrrp.Notify{}
	if !reflect.DeepEqual(a, b) {
		// Timing, transport or election settings changed: the instance
		// restarts (BACKUP, then election) as a new one.
		d.log.Info("reload: instance settings changed, restarting it", "instance", nc.Name)
		d.removeInstance(in, now)
		if ni, err := d.newInstance(nc); err == nil {
			*in = *ni
			d.feed(in, now, vrrp.Startup())
			d.replayTrackers(in, now)
		} else {
			d.log.Error("reload: cannot restart instance", "instance", nc.Name, "err", err)
		}
		return
	}
	in.cfg = *nc
	if !reflect.DeepEqual(oldc.VIPs, nc.VIPs) || !reflect.DeepEqual(oldc.ExcludedVIPs, nc.ExcludedVIPs) {
		d.changeAddresses(in, &oldc)
	}
	if oldc.Priority != nc.Priority {
		d.feed(in, now, vrrp.PriorityChanged(nc.Priority))
	}
}

// changeAddresses moves a running instance from its old VIP set to the new
// one: on a master, removed addresses go, added ones come with a GARP
// burst for them alone (keepalived: "GARPs are sent for newly added VIPs
// only"); unchanged ones are never touched.
func (d *Daemon) changeAddresses(in *instance, oldc *vrrp.Instance) {
	if err := in.buildAdvert(); err != nil {
		d.log.Error("reload: advert", "instance", in.cfg.Name, "err", err)
	}
	if in.m.State() != vrrp.StateMaster {
		return
	}
	oldSet := map[netip.Prefix]bool{}
	for _, a := range append(append([]vrrp.Address(nil), oldc.VIPs...), oldc.ExcludedVIPs...) {
		oldSet[a.Prefix] = true
	}
	newSet := map[netip.Prefix]bool{}
	var added []netip.Addr
	for _, a := range append(append([]vrrp.Address(nil), in.cfg.VIPs...), in.cfg.ExcludedVIPs...) {
		newSet[a.Prefix] = true
		if !oldSet[a.Prefix] {
			if err := netconf.AddAddr(in.dev(a), a); err != nil {
				d.log.Error("add VIP", "instance", in.cfg.Name, "err", err)
			}
			d.log.Info("VIP added", "instance", in.cfg.Name, "addr", a.Prefix)
			added = append(added, a.Prefix.Addr())
		}
	}
	for _, a := range append(append([]vrrp.Address(nil), oldc.VIPs...), oldc.ExcludedVIPs...) {
		if !newSet[a.Prefix] {
			if removed, err := netconf.DelAddr(in.dev(a), a); err != nil {
				d.log.Error("remove VIP", "instance", in.cfg.Name, "err", err)
			} else if removed {
				d.log.Info("VIP removed", "instance", in.cfg.Name, "addr", a.Prefix)
			}
		}
	}
	if len(added) > 0 {
		if err := in.garp.Announce(nil, added, in.cfg.GARP.MasterRepeat); err != nil {
			d.log.Warn("gratuitous ARP", "instance", in.cfg.Name, "err", err)
		}
	}
}

// removeInstance stops an instance that left the configuration: a master
// resigns (priority 0) and drops its addresses; the notify is FAULT, or
// DELETED with notify_deleted, as keepalived reports removed instances.
func (d *Daemon) removeInstance(in *instance, now time.Time) {
	d.log.Info("reload: instance removed", "instance", in.cfg.Name)
	var acts []vrrp.Action
	for _, a := range in.m.Handle(now, vrrp.Shutdown()) {
		if a.Kind != vrrp.ActNotify {
			acts = append(acts, a)
		}
	}
	d.apply(in, acts)
	in.stopTimers()
	in.closeTimers()
	in.stopped = true
	state := "FAULT"
	spec := in.cfg.Notify.Fault
	if in.cfg.Notify.DeletedSet {
		state, spec = "DELETED", in.cfg.Notify.Deleted
	}
	d.notifier.Post(notify.Event{Kind: "INSTANCE", Name: in.cfg.Name, State: state, Priority: int(in.m.Priority()),
		Specific: spec, Generic: in.cfg.Notify.Generic})
	if in.garp != nil {
		in.garp.Close()
	}
	in.sock.remove(in)
	if in.vmac != "" {
		if err := netconf.DeleteVMAC(in.vmac); err != nil {
			d.log.Error("remove VMAC", "interface", in.vmac, "err", err)
		}
	}
}

func (s *socket) remove(in *instance) {
	for i, x := range s.insts {
		if x == in {
			s.insts = append(s.insts[:i], s.insts[i+1:]...)
			return
		}
	}
}
