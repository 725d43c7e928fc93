// Package daemon wires the pure protocol engine to the operating system:
// it loads keepalived.conf, opens the protocol-112 sockets, runs one event
// loop that owns every VRRP state machine, and carries out the actions the
// machines return (adverts, addresses, GARPs, notifications).
//
// One goroutine owns all machines, so the machines need no locks and an
// event is handled in microseconds. Everything slow (notify scripts,
// tracker probes) runs elsewhere and reaches the loop as an event; nothing
// the loop does waits on a peer, so adverts go out on time under load.
package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/lvs"
	"github.com/govrrpd/govrrpd/internal/netconf"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/internal/pidfile"
	"github.com/govrrpd/govrrpd/internal/scriptexec"
	"github.com/govrrpd/govrrpd/internal/track"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Options are the command-line settings the daemon needs.
type Options struct {
	ConfigFile      string
	Parse           confparse.Options
	DontReleaseVRRP bool // -V: leave VIPs on stop
	// ReleaseAtOnce (--release-at-once) drops a master's VIPs right after
	// its priority-0 advert, as keepalived does, instead of keeping them
	// until the successor is heard (handover.go).
	ReleaseAtOnce   bool
	DontReleaseIPVS bool // -I: leave the IPVS table on stop
	VRRPOnly        bool // -P
	CheckOnly       bool // -C
	PidFiles        []string
	Log             *slog.Logger
	// Ready, if set, is called once every instance has started.
	Ready func()
	// Control, if set, is called with the running daemon once it is
	// ready, for the operations side to start its listeners over
	// Snapshot, Maintenance, Drain and Reload (api.go).
	Control func(*Daemon)
}

// event is anything the loop handles.
type event interface{}

type evTimer struct {
	inst *instance
	id   vrrp.TimerID
	gen  uint64
}

type evPacket struct {
	sock *socket
	at   time.Time // when the reader got it
	data []byte
	rx   vrrp.RxFacts
}

type evLink struct {
	ifname string
	up     bool
}

// Daemon is a running govrrpd.
type Daemon struct {
	opts     Options
	log      *slog.Logger
	cfg      *confparse.Config
	events   chan event
	insts    []*instance
	socks    map[sockKey]*socket
	links    map[string]bool
	notifier *notify.Notifier
	runner   *scriptexec.Runner
	// baseline is the running configuration's diagnostics: a reload is
	// refused only for problems the running file did not have.
	baseline confparse.Diagnostics
	reloads  struct{ done, refused int }
	lvs      *lvs.Subsystem
	syncd    *lvs.Syncd // lvs_sync_daemon
	ctx      context.Context
	reloadMu sync.Mutex
	stopping bool // shutdown has begun (-V keeps addresses from here on)
	probes   *track.Probes
	fw       *netconf.Firewall
	tgroups  *tgWatcher // static entries and track_group (trackgroup.go)
	wd       *watchdog  // systemd watchdog pings (watchdog.go)
}

// Run loads the configuration and runs until ctx ends or SIGTERM/SIGINT.
func Run(ctx context.Context, opts Options) error {
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	cfg, diags := confparse.Load(opts.ConfigFile, opts.Parse)
	for _, d := range diags {
		if d.Severity != confparse.Info {
			log.Warn("config", "at", d.Pos.String(), "msg", d.Msg)
		}
	}
	for _, d := range diags {
		if d.Severity == confparse.Fatal {
			return fmt.Errorf("%s: %s", d.Pos, d.Msg)
		}
	}
	pids, err := pidfile.WriteAll(opts.PidFiles, os.Getpid())
	if err != nil {
		return err
	}
	defer logErr(log, "remove pid files", pids.Remove)
	d := &Daemon{opts: opts, log: log, cfg: cfg, events: make(chan event, 4096),
		socks: map[sockKey]*socket{}, links: map[string]bool{}, baseline: diags}
	d.runner = &scriptexec.Runner{DefaultUser: cfg.Global.ScriptUser, DefaultGroup: cfg.Global.ScriptGroup,
		Secure: cfg.Global.EnableScriptSecurity}
	d.notifier = notify.New(d.runner, []string{cfg.VRRP.NotifyFIFO.Path, cfg.Global.NotifyFIFO}, 10*time.Second, log)
	defer d.notifier.Close()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	d.ctx = ctx
	if d.wd, err = newWatchdog(d.sdNotify); err != nil {
		log.Warn("systemd watchdog disabled", "err", err)
	}
	defer d.wd.stop()
	// Claim the reload and dump signals before anything can announce
	// READY=1: a SIGHUP sent the moment systemd (or a script) sees us
	// ready must queue a reload, not kill us with the default action.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, sigJSON, sigStatsClear)
	defer signal.Stop(sigs)
	d.lvs = lvs.New(lvs.Options{Log: log, Scripts: d.notifier, DontRelease: opts.DontReleaseIPVS})
	if !opts.CheckOnly {
		d.syncd = lvs.StartSyncd(cfg.IPVS, vrids(cfg), log)
		if err := d.start(ctx); err != nil {
			d.syncd.Stop()
			d.closeSockets()
			return err
		}
	}
	if !opts.VRRPOnly {
		d.lvs.Start(ctx, cfg)
	}
	if opts.Ready != nil {
		opts.Ready()
	}
	if opts.Control != nil {
		opts.Control(d)
	}
	d.sdNotify("READY=1")
	d.loop(ctx, sigs)
	d.sdNotify("STOPPING=1")
	d.shutdown()
	d.lvs.Stop()
	return nil
}

// vrids maps instance names to their VRIDs (lvs_sync_daemon's syncid).
func vrids(cfg *confparse.Config) map[string]uint8 {
	m := make(map[string]uint8, len(cfg.Instances))
	for _, in := range cfg.Instances {
		m[in.Name] = in.VRID
	}
	return m
}

// start builds every instance, opens sockets and feeds Startup.
func (d *Daemon) start(ctx context.Context) error {
	if err := d.watchLinks(ctx); err != nil {
		d.log.Warn("link monitoring unavailable", "err", err)
	}
	for i := range d.cfg.Instances {
		in, err := d.newInstance(&d.cfg.Instances[i])
		if err != nil {
			return err
		}
		d.insts = append(d.insts, in)
	}
	if len(d.insts) == 0 {
		d.log.Warn("no vrrp_instance configured; nothing to do for VRRP")
	}
	if err := d.buildGroups(); err != nil {
		return err
	}
	d.applyStatic()
	d.startTrackGroups()
	now := time.Now()
	for _, in := range d.insts {
		d.feed(in, now, vrrp.Startup())
		if up, ok := d.links[in.cfg.Interface]; ok && !up {
			d.feed(in, now, vrrp.InterfaceState(false))
		}
	}
	d.startTrackers(ctx)
	return nil
}

// buildGroups hands the members of each vrrp_sync_group to a group
// machine; from then on their events go through it.
func (d *Daemon) buildGroups() error {
	byName := map[string]*instance{}
	for _, in := range d.insts {
		byName[in.cfg.Name] = in
	}
	for _, sg := range d.cfg.SyncGroups {
		g := &group{cfg: sg}
		var ms []*vrrp.Machine
		for _, name := range sg.Members {
			in, ok := byName[name]
			if !ok {
				continue // confparse already reported it
			}
			in.group, in.idx = g, len(g.members)
			g.members = append(g.members, in)
			ms = append(ms, in.m)
		}
		if len(ms) == 0 {
			continue
		}
		m, err := vrrp.NewSyncGroupMachine(&g.cfg, ms)
		if err != nil {
			return err
		}
		g.m = m
	}
	return nil
}

func (d *Daemon) loop(ctx context.Context, sigs <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-sigs:
			d.signal(s)
		case ev := <-d.events:
			d.handle(ev)
		case <-d.wd.ticks():
			d.wd.ping()
		}
	}
}

// sigJSON is SIGRTMIN+2 and sigStatsClear SIGRTMAX-1 on Linux/glibc (36
// and 63), the numbers keepalived's --signum prints.
var (
	sigJSON       = syscall.Signal(36)
	sigStatsClear = syscall.Signal(63)
)

func (d *Daemon) signal(s os.Signal) {
	switch s {
	case syscall.SIGHUP:
		d.log.Info("reloading configuration (SIGHUP)")
		d.sdNotify("RELOADING=1")
		d.startReload()
	case syscall.SIGUSR1:
		d.dump("keepalived.data", d.dataText())
		d.dump("keepalived_check.data", d.lvs.Dump())
	case syscall.SIGUSR2:
		d.dump("keepalived.stats", d.statsText())
	case sigStatsClear:
		d.dump("keepalived.stats", d.statsText())
		for _, in := range d.insts {
			in.stats = stats{drops: map[vrrp.RxReason]uint64{}}
		}
	case sigJSON:
		b, err := d.jsonDump()
		if err != nil {
			d.log.Error("json dump", "err", err)
			return
		}
		d.dump("keepalived.json", b)
	}
}

func (d *Daemon) handle(ev event) {
	now := time.Now()
	if p, ok := ev.(evPacket); ok {
		// Time the packet from its arrival, not from when the loop got to
		// it: the master-down timer it re-arms must not drift late.
		now = p.at
	}
	switch e := ev.(type) {
	case evTimer:
		in := e.inst
		if in.stopped || in.timerGen[e.id] != e.gen {
			return // re-armed or stopped since
		}
		// The machine ignores a fire before its deadline, so none is fed
		// early. An expiry read just before a re-arm can carry the new
		// generation and is early by about the new interval: dropped. The
		// deliberate early wake-up of a master-down timer (prewake.go) is
		// early by at most its margin: the loop stays awake until the
		// deadline.
		if early := time.Until(in.deadline[e.id]); early > 0 {
			if early <= in.prewake[e.id] {
				d.spinTo(in, e.id, e.gen)
			}
			return
		}
		in.timers[e.id] = nil
		d.feed(in, now, vrrp.TimerFired(e.id))
	case evPacket:
		d.receive(now, e)
	case evReloaded:
		d.reload(e.cfg, e.diags)
	case evTrack:
		d.trackResult(now, e.r)
	case evLink:
		d.links[e.ifname] = e.up
		for _, in := range d.insts {
			if in.cfg.Interface == e.ifname {
				d.log.Info("interface state", "instance", in.cfg.Name, "interface", e.ifname, "up", e.up)
				d.feed(in, now, vrrp.InterfaceState(e.up))
			}
		}
	}
}

// shutdown stops every instance in order: priority-0 advert from masters,
// addresses removed once the successor is heard (handover.go; at once with
// --release-at-once, never with -V), notify STOP.
func (d *Daemon) shutdown() {
	d.stopping = true
	d.syncd.Stop()
	d.syncd = nil
	d.stopTrackGroups()
	if d.probes != nil {
		d.probes.Stop()
	}
	now, ev := time.Now(), d.handoverEvent()
	for _, in := range d.insts {
		d.feed(in, now, ev)
	}
	d.awaitHandovers()
	for _, in := range d.insts {
		in.stopTimers()
		in.closeTimers()
		in.stopped = true
		if in.vmac != "" && !d.opts.DontReleaseVRRP {
			if err := netconf.DeleteVMAC(in.vmac); err != nil {
				d.log.Error("remove VMAC", "interface", in.vmac, "err", err)
			}
		}
	}
	d.removeStatic()
	if d.fw != nil {
		d.fw.Close()
	}
	d.closeSockets()
}

// logErr runs f and logs its error; for deferred clean-ups.
func logErr(log *slog.Logger, what string, f func() error) {
	if err := f(); err != nil {
		log.Warn(what, "err", err)
	}
}
