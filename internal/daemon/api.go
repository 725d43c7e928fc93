package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/vrrp"
)

// The methods below are the operations side's way in (control socket,
// metrics, `govrrpd ctl`). Each is safe from any goroutine: it posts an
// event to the loop and waits for the answer, so what it reads or changes
// is the loop's own state at one instant, and the loop never waits for a
// caller (replies go to buffered channels).

// lvsSubsystem is what the API asks of the LVS subsystem (internal/lvs);
// an interface so the executor tests run without one.
type lvsSubsystem interface {
	Snapshot() []status.VirtualServer
	ReconcileStats() status.ReconcileStats
	Drain(vs, rs string, on bool) error
}

// errNoLVS answers Drain when no LVS subsystem runs.
var errNoLVS = errors.New("drain: no LVS subsystem is running (-P)")

// call posts ev and waits for its reply, the caller's ctx or the end of
// the daemon.
func call[T any](ctx context.Context, d *Daemon, ev event, reply chan T) (T, error) {
	var zero T
	select {
	case d.events <- ev:
	case <-ctx.Done():
		return zero, ctx.Err()
	case <-d.done():
		return zero, errStopping
	}
	select {
	case r := <-reply:
		return r, nil
	case <-ctx.Done():
		return zero, ctx.Err()
	case <-d.done():
		return zero, errStopping
	}
}

// Snapshot returns the daemon's state: instances, sync groups, peers,
// reload history, and the LVS subsystem's virtual servers.
func (d *Daemon) Snapshot(ctx context.Context) (status.Daemon, error) {
	c := make(chan status.Daemon, 1)
	return call(ctx, d, evSnapshot{reply: c}, c)
}

// Maintenance puts an instance in maintenance or lifts it (vrrp.Maintenance:
// a master hands over make-before-break, then the instance stays BACKUP).
// It survives reloads: an instance restarted or re-added under the same
// name comes back in maintenance.
func (d *Daemon) Maintenance(ctx context.Context, instance string, on bool) error {
	c := make(chan error, 1)
	err, cerr := call(ctx, d, evMaintenance{name: instance, on: on, reply: c}, c)
	return errors.Join(cerr, err)
}

// Drain sets a real server's weight to 0 (on) or back (off) through the
// LVS subsystem; vs and rs are status.VirtualServer.Key and
// status.RealServer.Key.
func (d *Daemon) Drain(ctx context.Context, vs, rs string, on bool) error {
	c := make(chan error, 1)
	err, cerr := call(ctx, d, evDrain{vs: vs, rs: rs, on: on, reply: c}, c)
	return errors.Join(cerr, err)
}

// Reload re-reads the configuration as SIGHUP does and returns the result.
// Requests that come while a file is being read share the next read.
func (d *Daemon) Reload(ctx context.Context) (status.Reload, error) {
	c := make(chan status.Reload, 1)
	return call(ctx, d, evReloadReq{reply: c}, c)
}

func (d *Daemon) setMaintenance(now time.Time, name string, on bool) error {
	in := d.byName(name)
	if in == nil {
		return fmt.Errorf("maintenance: no vrrp_instance %q", name)
	}
	if on {
		d.maint[name] = true
		in.why = reasonHint{vrrp.StateBackup, reasonMaintenance}
	} else {
		delete(d.maint, name)
		in.why = reasonHint{}
	}
	d.log.Info("maintenance", "instance", name, "on", on)
	d.feed(in, now, vrrp.Maintenance(on))
	return nil
}

func (d *Daemon) drain(vs, rs string, on bool) error {
	if d.lvsSub == nil {
		return errNoLVS
	}
	return d.lvsSub.Drain(vs, rs, on)
}

func (d *Daemon) byName(name string) *instance {
	for _, in := range d.insts {
		if in.cfg.Name == name && !in.stopped {
			return in
		}
	}
	return nil
}

func familyName(f vrrp.Family) string {
	if f == vrrp.IPv6 {
		return "inet6"
	}
	return "inet"
}

func (d *Daemon) snapshot() status.Daemon {
	s := status.Daemon{Version: d.opts.Version, PID: os.Getpid(), Started: d.started, Now: d.now(), ConfigFile: d.opts.ConfigFile,
		ConfigHash: d.configHash, Reloads: slices.Clone(d.history), ReloadStats: d.reloadStats}
	for _, in := range d.insts {
		s.Instances = append(s.Instances, d.instanceStatus(in))
		if in.lastMaster.IsValid() && in.lastMaster != in.source() {
			s.Peers = append(s.Peers, status.Peer{Instance: in.cfg.Name, Addr: in.lastMaster.String(),
				Priority: int(in.masterPrio), AdvertInt: status.Duration(in.masterInt), LastAdvert: in.lastAdvert})
		}
	}
	for _, in := range d.insts {
		if g := in.group; g != nil && g.members[0] == in && g.m != nil {
			sg := status.SyncGroup{Name: g.cfg.Name, State: g.m.State().String()}
			for _, m := range g.members {
				sg.Members = append(sg.Members, m.cfg.Name)
			}
			s.SyncGroups = append(s.SyncGroups, sg)
		}
	}
	for _, k := range d.sockKeys() {
		s.Interfaces = append(s.Interfaces, status.Interface{Name: k.ifname, Family: k.familyName(),
			Drops: copyDrops(d.socks[k].drops)})
	}
	if d.lvsSub != nil {
		s.VirtualServers = d.lvsSub.Snapshot()
		s.Reconcile = d.lvsSub.ReconcileStats()
	}
	s.BFD = d.bfdStatus()
	return s
}

func copyDrops(m map[string]uint64) map[string]uint64 {
	out := make(map[string]uint64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (d *Daemon) instanceStatus(in *instance) status.Instance {
	c := in.cfg
	st := status.Instance{Name: c.Name, VRID: c.VRID, Family: familyName(c.Family), Version: int(c.Version),
		Interface: c.Interface, State: in.m.State().String(), Priority: int(c.Priority),
		EffectivePriority: int(in.m.Priority()), AdvertInt: status.Duration(c.AdvertInt),
		MasterPriority: int(in.masterPrio), MasterAdvertInt: status.Duration(in.masterAdvertInt()),
		LastTransition: in.lastTransition, LastReason: in.lastReasonText(), Maintenance: in.m.InMaintenance(),
		Trackers: []status.Tracker{}}
	if in.group != nil {
		st.SyncGroup = in.group.cfg.Name
	}
	for _, tr := range in.m.Trackers() {
		st.Trackers = append(st.Trackers, status.Tracker{Kind: tr.Kind.String(), Name: tr.Name, Weight: tr.Weight,
			Contribution: tr.Contribution, Fault: tr.Fault})
	}
	if in.m.State() == vrrp.StateMaster {
		st.MasterPriority = int(in.m.Priority()) // we are the master
	}
	if a := in.m.MasterAddr(); a.IsValid() {
		st.MasterAddr = a.String()
	}
	for _, v := range c.VIPs {
		st.VIPs = append(st.VIPs, v.Prefix.String())
	}
	st.Stats = in.statsStatus(copyDrops(in.stats.drops), transitions(in.stats.trans))
	return st
}

// statsStatus is the instance's counters as the status shows them, with
// the drops and transitions given.
func (in *instance) statsStatus(drops map[string]uint64, trans []status.TransitionCount) status.InstanceStats {
	s := &in.stats
	st := status.InstanceStats{AdvertsSent: s.advertSent, AdvertsReceived: s.advertRcvd,
		BecameMaster: s.becomeMaster, ReleasedMaster: s.releaseMaster, PriZeroSent: s.priZeroSent,
		PriZeroReceived: s.priZeroRcvd, Drops: drops, Transitions: trans}
	if in.cfg.Family == vrrp.IPv6 {
		st.NASent = s.garpSent
	} else {
		st.GARPSent = s.garpSent
	}
	return st
}
