package daemon

import (
	"fmt"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/netconf"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/internal/plan"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/srcpos"
	"github.com/govrrpd/govrrpd/vrrp"
)

// reloadHistory is how many reloads the history keeps.
const reloadHistory = 32

// requestReload starts reading the file in the background, or, while a
// read is under way, marks that one more read follows it: SIGHUPs that
// come during a read coalesce into one reload, which sees the newest
// file. Nothing here blocks, and the reader holds no lock: it hands the
// result to the loop as an event (evReloaded), so no number of SIGHUPs or
// queued events can deadlock the loop.
func (d *Daemon) requestReload(reply chan status.Reload) {
	if reply != nil {
		d.pending = append(d.pending, reply)
	}
	if d.reloading {
		d.repeat = true
		return
	}
	d.reloading, d.repeat = true, false
	waiters := d.pending
	d.pending = nil
	d.sdNotify("RELOADING=1")
	path, opts, running := d.opts.ConfigFile, d.opts.Parse, d.inputs
	go func() {
		t0 := time.Now()
		if !d.readChanged(running) {
			d.post(evReloaded{same: true, checked: time.Since(t0), reply: waiters})
			return
		}
		// Two configurations live while the new one is read and swapped
		// in: no limit until tuneMemory sets one again after it.
		liftMemoryLimit(os.Getenv)
		// Only the blocks that changed are read when the running
		// configuration's record allows it (confparse.LoadInputsAfter);
		// the result is the same as a full read's either way.
		t1 := time.Now()
		cfg, diags, in, how := confparse.LoadInputsAfter(path, opts, running)
		d.log.Debug("reload: configuration read", "how", how, "took", time.Since(t1))
		d.post(evReloaded{cfg: cfg, diags: diags, inputs: in})
		// The canonical dump's hash only labels the reload (applied or
		// unchanged) and the status; printing 10,000 virtual servers
		// took as long as reading them, so it runs beside the apply
		// rather than before it. Nothing writes to a loaded
		// configuration: the loop and the LVS subsystem copy what they
		// change.
		d.post(evHashed{hash: configHash(cfg), reply: waiters})
	}()
}

// reloaded applies a read configuration; its record waits for the hash
// (hashed). A reload that found nothing to read is done here.
func (d *Daemon) reloaded(e evReloaded) {
	if e.same {
		d.finishReload(d.noChange(e.checked), e.reply, true)
		return
	}
	r := d.reload(e.cfg, e.diags)
	if r.Result != "refused" {
		d.setInputs(e.inputs)
	}
	d.applied = r
}

// hashed labels the applied reload with its configuration's hash: the
// same hash as the running configuration's makes it "unchanged".
func (d *Daemon) hashed(e evHashed) {
	r := d.applied
	d.applied = status.Reload{}
	if r.Result != "refused" {
		r.ConfigHash = e.hash
		if e.hash != "" && e.hash == d.configHash {
			r.Result = "unchanged"
		}
		d.configHash = e.hash
	}
	d.finishReload(r, e.reply, false)
}

// finishReload answers whoever asked, records the history, and starts the
// read that SIGHUPs during this one asked for.
func (d *Daemon) finishReload(r status.Reload, reply []chan status.Reload, same bool) {
	d.countReload(r)
	d.history = append(d.history, r)
	if n := len(d.history) - reloadHistory; n > 0 {
		d.history = append(d.history[:0], d.history[n:]...)
	}
	for _, c := range reply {
		c <- r
	}
	d.reloading = false
	if d.repeat || len(d.pending) > 0 {
		d.requestReload(nil)
		return
	}
	if d.tuneMem != nil && !same {
		// The old configuration is garbage now (memlimit.go); after "no
		// change" there is none, and a forced collection of a large
		// configuration's heap took seconds in the VM.
		d.tuneMem()
	}
}

// keyOf matches instances across a reload the way keepalived does: by
// VRID, address family and interface, not by name. The rule lives in
// internal/plan so that `govrrpd plan` matches exactly as reload does.
func keyOf(c *vrrp.Instance) plan.Key { return plan.KeyOf(c) }

// reload re-reads the configuration. The new file is validated in full
// first; if it brings errors the running configuration was free of, it is
// refused and nothing changes. Otherwise matched instances keep their
// state, send no notify and touch no address unless their own addresses
// changed; added instances start, removed ones stop.
//
// Reading and checking the file happens off the event loop (startReload),
// so a large configuration never delays an advert; only the swap runs
// here.
func (d *Daemon) reload(cfg *confparse.Config, diags confparse.Diagnostics) status.Reload {
	defer d.sdNotify("READY=1")
	now := d.now()
	res := status.Reload{At: now, Result: "applied"}
	if bad := d.newProblems(diags); len(bad) > 0 {
		var msgs []string
		for _, b := range bad {
			d.log.Error("reload refused", "at", b.Pos.String(), "msg", b.Msg)
			msgs = append(msgs, b.Pos.String()+": "+b.Msg)
		}
		d.log.Error("reload refused: keeping the running configuration", "errors", len(bad))
		d.reloads.refused++
		res.Result, res.Error = "refused", strings.Join(msgs, "\n")
		return res
	}
	d.applyScheduling(cfg)
	if len(cfg.SyncGroups) > 0 || len(d.cfg.SyncGroups) > 0 {
		if !reflect.DeepEqual(stripGroups(cfg.SyncGroups), stripGroups(d.cfg.SyncGroups)) {
			d.log.Warn("reload: vrrp_sync_group changes take effect at restart; groups are unchanged")
		}
	}
	// Instances built below resolve their trackers against these: an
	// instance may name a script, file, process or BFD added by this file.
	d.cfg.Scripts, d.cfg.Files, d.cfg.Processes, d.cfg.BFDs = cfg.Scripts, cfg.Files, cfg.Processes, cfg.BFDs
	old := map[plan.Key]*instance{}
	for _, in := range d.insts {
		old[keyOf(in.cfg)] = in
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
			res.Changes = append(res.Changes, status.Change{Kind: "instance", Op: "add", Object: nc.Name})
			d.startInstance(ni, now)
			d.replayTrackers(ni, now)
			next = append(next, ni)
			continue
		}
		delete(old, keyOf(nc))
		res.Changes = append(res.Changes, d.updateInstance(in, nc, now)...)
		next = append(next, in)
	}
	for _, in := range old {
		res.Changes = append(res.Changes, status.Change{Kind: "instance", Op: "remove", Object: in.cfg.Name})
		d.removeInstance(in, now)
	}
	d.insts = next
	d.cfg.Instances = cfg.Instances
	d.restartTrackGroups()
	d.reloadBFD()
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
	if d.opts.Observer != nil {
		d.opts.Observer.Configured(cfg)
	}
	d.reloads.done++
	d.log.Info("reload complete", "instances", len(d.insts))
	return res
}

// newProblems returns the diagnostics of a new load for which the reload
// is refused: errors the running configuration did not already have
// (plan.Refused, the rule `govrrpd plan` applies too).
func (d *Daemon) newProblems(diags confparse.Diagnostics) confparse.Diagnostics {
	return plan.Refused(d.baseline, diags)
}

func stripGroups(gs []vrrp.SyncGroup) []vrrp.SyncGroup {
	out := append([]vrrp.SyncGroup(nil), gs...)
	for i := range out {
		out[i].Source = srcpos.Pos{}
	}
	return out
}

// updateInstance applies a matched instance's new settings without a state
// change where keepalived would keep it.
func (d *Daemon) updateInstance(in *instance, nc *vrrp.Instance, now time.Time) []status.Change {
	oldc := *in.cfg
	if !plan.KeepsState(&oldc, nc) {
		// Timing, transport or election settings changed: the instance
		// restarts (BACKUP, then election) as a new one.
		d.log.Info("reload: instance settings changed, restarting it", "instance", nc.Name)
		d.removeInstance(in, now)
		ni, err := d.newInstance(nc)
		if err != nil {
			d.log.Error("reload: cannot restart instance", "instance", nc.Name, "err", err)
			return []status.Change{{Kind: "instance", Op: "remove", Object: oldc.Name, Detail: err.Error()}}
		}
		// The heap's timers name their instance: the old one's were all
		// stopped by removeInstance, and the copy starts with none armed.
		*in = *ni
		in.tix = [numTimers]int32{}
		if in.sock != nil {
			in.sock.remove(ni)
			in.sock.insts = append(in.sock.insts, in)
		}
		d.startInstance(in, now)
		d.replayTrackers(in, now)
		return []status.Change{{Kind: "instance", Op: "change", Object: nc.Name, Detail: "restarted: timing, transport or election settings changed"}}
	}
	in.cfg = nc
	if err := in.m.SetInstance(nc); err != nil { // the machine reads its settings from nc now
		d.log.Error("reload: instance settings", "instance", nc.Name, "err", err)
	}
	if !reflect.DeepEqual(oldc.AuthHMAC, nc.AuthHMAC) {
		if err := in.setupAuthHMAC(in); err != nil {
			d.log.Error("reload: auth_hmac", "instance", nc.Name, "err", err)
		}
	}
	var ch []status.Change
	if !reflect.DeepEqual(oldc.VIPs, nc.VIPs) || !reflect.DeepEqual(oldc.Options().ExcludedVIPs, nc.Options().ExcludedVIPs) {
		ch = append(ch, d.changeAddresses(in, &oldc)...)
	}
	if oldc.Priority != nc.Priority {
		d.feed(in, now, vrrp.PriorityChanged(nc.Priority))
		ch = append(ch, status.Change{Kind: "instance", Op: "change", Object: nc.Name, KeepsState: true,
			Detail: fmt.Sprintf("priority %d -> %d", oldc.Priority, nc.Priority)})
	}
	return ch
}

// changeAddresses moves a running instance from its old VIP set to the new
// one: on a master, removed addresses go, added ones come with a GARP
// burst for them alone (keepalived: "GARPs are sent for newly added VIPs
// only"); unchanged ones are never touched.
func (d *Daemon) changeAddresses(in *instance, oldc *vrrp.Instance) []status.Change {
	if err := d.buildAdvert(in); err != nil {
		d.log.Error("reload: advert", "instance", in.cfg.Name, "err", err)
	}
	oldSet := map[netip.Prefix]bool{}
	for _, a := range append(append([]vrrp.Address(nil), oldc.VIPs...), oldc.Options().ExcludedVIPs...) {
		oldSet[a.Prefix] = true
	}
	master := in.m.State() == vrrp.StateMaster
	var ch []status.Change
	newSet := map[netip.Prefix]bool{}
	var added []netip.Addr
	for _, a := range append(append([]vrrp.Address(nil), in.cfg.VIPs...), in.cfg.Options().ExcludedVIPs...) {
		newSet[a.Prefix] = true
		if oldSet[a.Prefix] {
			continue
		}
		ch = append(ch, status.Change{Kind: "vip", Op: "add", Object: a.Prefix.String(), Parent: in.cfg.Name, KeepsState: true})
		if !master {
			continue
		}
		if err := d.sys.AddAddr(in.dev(a), a); err != nil {
			d.log.Error("add VIP", "instance", in.cfg.Name, "err", err)
			continue
		}
		d.log.Info("VIP added", "instance", in.cfg.Name, "addr", a.Prefix)
		added = append(added, a.Prefix.Addr())
	}
	for _, a := range append(append([]vrrp.Address(nil), oldc.VIPs...), oldc.Options().ExcludedVIPs...) {
		if newSet[a.Prefix] {
			continue
		}
		ch = append(ch, status.Change{Kind: "vip", Op: "remove", Object: a.Prefix.String(), Parent: in.cfg.Name, KeepsState: true})
		if !master {
			continue
		}
		if removed, err := d.sys.DelAddr(in.dev(a), a); err != nil {
			d.log.Error("remove VIP", "instance", in.cfg.Name, "err", err)
		} else if removed {
			d.log.Info("VIP removed", "instance", in.cfg.Name, "addr", a.Prefix)
		}
	}
	if len(added) > 0 && in.garp != nil {
		if err := in.garp.a.AnnounceSome(in.garpBlk, added, in.cfg.GARP.MasterRepeat); err != nil {
			d.log.Warn("gratuitous ARP", "instance", in.cfg.Name, "err", err)
		}
	}
	return ch
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
	d.apply(in, acts, now)
	d.timers.stopAll(in)
	in.stopped = true
	state := "FAULT"
	nf := in.cfg.Notifies()
	spec := nf.Fault
	if nf.DeletedSet {
		state, spec = "DELETED", nf.Deleted
	}
	d.notifier.Post(notify.Event{Kind: "INSTANCE", Name: in.cfg.Name, State: state, Priority: int(in.m.Priority()),
		Specific: spec, Generic: nf.Generic})
	d.detach(in)
	d.unwait(in)
	if in.vmac != "" {
		if err := netconf.DeleteVMAC(in.vmac); err != nil {
			d.log.Error("remove VMAC", "interface", in.vmac, "err", err)
		}
	}
}
