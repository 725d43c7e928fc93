package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/bfdsub"
	"github.com/govrrpd/govrrpd/internal/lvs"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/netconf"
	"github.com/govrrpd/govrrpd/internal/notify"
	"github.com/govrrpd/govrrpd/internal/pidfile"
	"github.com/govrrpd/govrrpd/internal/procprio"
	"github.com/govrrpd/govrrpd/internal/scriptexec"
	"github.com/govrrpd/govrrpd/internal/status"
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
	NoBFD           bool // -B
	PidFiles        []string
	Log             *slog.Logger
	// Ready, if set, is called once every instance has started.
	Ready func()
	// Version is reported in the status snapshot.
	Version string
	// Control, if set, is called with the running daemon once it is
	// ready, for the operations side to start its listeners over
	// Snapshot, Maintenance, Drain and Reload (api.go).
	Control func(*Daemon)
	// Metrics, if set, is the registry /metrics serves: the executor
	// registers its collectors on it, and the LVS subsystem its own.
	Metrics *metrics.Metrics
	// Stopping, if set, runs when SIGTERM/SIGINT ends the loop, before
	// VRRP and IPVS are released: BGP withdraws its prefixes there, so
	// routers move flows away while this director still serves them.
	Stopping func()
	// Observer, if set, hears the configuration, VRRP notifications and
	// real-server changes (observe.go): the SNMP sub-agent.
	Observer Observer
}

// Daemon is a running govrrpd.
type Daemon struct {
	opts   Options
	log    *slog.Logger
	pktLog packetLog // rate-limited, for lines a packet causes (pktlog.go)
	cfg    *confparse.Config
	events chan event
	insts  []*instance
	socks  map[sockKey]*socket
	rxFree chan *evPackets // handled reads for the reader (rx.go)
	garps  map[string]*garpShare
	links  map[string]bool
	// waiting counts the instances not attached (waiting for their
	// interface or address); read by the address watcher's goroutine.
	waiting atomic.Int32
	// primary caches each interface's primary address (instance.go).
	primary map[sockKey]netip.Addr

	// The ports (ports.go): the OS, the notify queue, the clock, and
	// delayed events (VIP retries).
	sys      system
	notifier notifier
	now      func() time.Time
	after    func(time.Duration, event)

	timers timers
	wake   waker
	// The instances and their machines come from slabs (slab.go).
	instSlab slab[instance]
	machSlab slab[vrrp.Machine]
	sendBuf  []byte        // adverts are encoded here: only the loop sends
	scratch  vrrp.Advert   // and built here
	vipBuf   []netip.Addr  // an instance's VIP addresses (vipAddrs)
	faulted  []*instance   // failed VIP adds, put in FAULT after the actions
	acts     []vrrp.Action // what a machine asks for, one buffer for all (feed)
	// batching queues adverts instead of sending them; unflushed are the
	// sockets holding some (sendbatch.go).
	batching  bool
	unflushed []*socket
	// refilter are the sockets whose kernel prefilter is out of date
	// (filter.go).
	refilter []*socket

	runner *scriptexec.Runner
	prio   *procprio.Manager // vrrp_priority, vrrp_cpu_affinity; nil in the executor tests
	// baseline is the running configuration's diagnostics: a reload is
	// refused only for problems the running file did not have.
	baseline   confparse.Diagnostics
	reloads    struct{ done, refused int }
	reloading  bool                 // a file is being read (reload.go)
	pending    []chan status.Reload // reload requests waiting for the next read
	repeat     bool                 // a SIGHUP came while reading: read again
	applied    status.Reload        // the reload applied, waiting for its hash (reload.go)
	history    []status.Reload      // the last reloadHistory reloads
	configHash string
	inputs     *confparse.Inputs // what the running configuration was read from (reloadskip.go)
	started    time.Time
	maint      map[string]bool // instances in maintenance, by name

	// The operations side's counters: cause names the event being fed
	// (transitions.go), reloadStats counts reloads since start (ops.go).
	cause       reason
	reloadStats status.ReloadStats

	lvs      *lvs.Subsystem
	lvsSub   lvsSubsystem // Snapshot and Drain: d.lvs, unless -P
	syncd    *lvs.Syncd   // lvs_sync_daemon
	ctx      context.Context
	stopping bool // shutdown has begun (-V keeps addresses from here on)
	probes   *track.Probes
	bfd      *bfdsub.Subsystem // bfd.go
	bfdNet   bfdsub.Net        // BFD's sockets; nil: the kernel's (tests set a fake)
	fwBroken bool              // nftables could not be opened: logged once
	// probesOff leaves the tracker probes unstarted: the executor tests
	// feed tracker results themselves.
	probesOff bool
	tgroups   *tgWatcher // static entries and track_group (trackgroup.go)
	// tuneMem returns start-up or reload garbage and sets the soft
	// memory limit (memlimit.go); nil in the executor tests.
	tuneMem func()
	wd      *watchdog // systemd watchdog pings (watchdog.go)
}

// newDaemon makes a daemon around its ports; nothing runs yet.
func newDaemon(cfg *confparse.Config, opts Options, sys system, n notifier) *Daemon {
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	d := &Daemon{opts: opts, log: log, cfg: cfg, events: make(chan event, 4096), socks: map[sockKey]*socket{},
		garps: map[string]*garpShare{}, links: map[string]bool{}, sys: sys, notifier: n, now: time.Now,
		maint: map[string]bool{}, primary: map[sockKey]netip.Addr{}, sendBuf: make([]byte, 0, 1500)}
	d.after = func(dl time.Duration, ev event) { time.AfterFunc(dl, func() { d.post(ev) }) }
	d.pktLog = newPacketLog(log, d)
	d.started = d.now()
	return d
}

// post queues an event from any goroutine but the loop's own. The send
// blocks while the queue is full; no caller holds a lock the loop needs.
func (d *Daemon) post(ev event) {
	select {
	case d.events <- ev:
	case <-d.done():
	}
}

func (d *Daemon) done() <-chan struct{} {
	if d.ctx == nil {
		return nil
	}
	return d.ctx.Done()
}

// Run loads the configuration and runs until ctx ends or SIGTERM/SIGINT.
func Run(ctx context.Context, opts Options) error {
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	large := lowerStartGC(opts.ConfigFile, os.Getenv)
	cfg, diags, inputs := confparse.LoadInputs(opts.ConfigFile, opts.Parse)
	// Notes are logged too: a script disabled because it is insecure or
	// missing is a note at -t (keepalived's verdict), and the operator of
	// a running daemon must still see why it will never run.
	for _, d := range diags {
		if d.Severity == confparse.Info {
			log.Info("config note", "at", d.Pos.String(), "msg", d.Msg)
			continue
		}
		log.Warn("config", "at", d.Pos.String(), "msg", d.Msg)
	}
	for _, d := range diags {
		if d.Severity == confparse.Fatal || d.Severity == confparse.Stop {
			return fmt.Errorf("%s: %s", d.Pos, d.Msg)
		}
	}
	if err := checkCapabilities(cfg, opts); err != nil {
		return err
	}
	pids, err := pidfile.WriteAll(opts.PidFiles, os.Getpid())
	if err != nil {
		return err
	}
	defer logErr(log, "remove pid files", pids.Remove)
	runner := &scriptexec.Runner{DefaultUser: cfg.Global.ScriptUser, DefaultGroup: cfg.Global.ScriptGroup,
		Secure: cfg.Global.EnableScriptSecurity}
	n := notify.New(runner, []string{cfg.VRRP.NotifyFIFO.Path, cfg.Global.NotifyFIFO}, 10*time.Second, log)
	defer n.Close()
	sys := newSystem()
	defer sys.Close()
	d := newDaemon(cfg, opts, sys, withObserver(n, opts.Observer))
	d.runner, d.baseline, d.configHash = runner, diags, configHash(cfg)
	d.prio = procprio.New()
	runner.ChildNice = d.prio.StartingNice
	d.applyScheduling(cfg)
	d.setInputs(inputs)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	d.ctx = ctx
	go d.pktLog.run(ctx)
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
	w, err := sys.NewWaker()
	if err != nil {
		return err
	}
	defer w.Close()
	d.wake, d.timers.prewake = w, prewakeFor
	if err := d.registerMetrics(opts.Metrics); err != nil {
		log.Error("VRRP and reload metrics are not served", "err", err)
	}
	lo := lvs.Options{Log: log, Scripts: d.notifier, DontRelease: opts.DontReleaseIPVS, Metrics: opts.Metrics,
		// The checkers and the reconciler's state grow for minutes after
		// the first election at 100,000 real servers: a limit set before
		// would hold the heap at its goal, a collection per allocation.
		Loaded: func() { tuneMemory(log, os.Getenv, large) }}
	if opts.Observer != nil {
		opts.Observer.Configured(cfg)
		lo.Observe = opts.Observer.LVSAction
	}
	d.lvs = lvs.New(lo)
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
		d.lvsSub = d.lvs
	}
	d.startBFD()
	d.tuneMem = func() { tuneMemory(log, os.Getenv, large) }
	defer time.AfterFunc(firstElection(cfg), d.tuneMem).Stop()
	if opts.Ready != nil {
		opts.Ready()
	}
	if opts.Control != nil {
		opts.Control(d)
	}
	// Start-up (reading the file, building thousands of instances) had
	// every processor; the steady state needs one (procs.go).
	setProcs(log, opts, os.Getenv)
	d.sdNotify("READY=1")
	d.loop(ctx, sigs)
	d.sdNotify("STOPPING=1")
	if opts.Stopping != nil {
		opts.Stopping()
	}
	d.shutdown()
	d.stopBFD()
	d.lvs.Stop()
	return nil
}

// configHash is the SHA-256 of the configuration as govrrpd reads it,
// includes expanded (its canonical dump), for the reload history.
func configHash(cfg *confparse.Config) string {
	h := sha256.New()
	if err := confparse.Print(h, cfg); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// vrids maps instance names to their VRIDs (lvs_sync_daemon's syncid).
func vrids(cfg *confparse.Config) map[string]uint8 {
	m := make(map[string]uint8, len(cfg.Instances))
	for _, in := range cfg.Instances {
		m[in.Name] = in.VRID
	}
	return m
}

// start watches links and addresses, builds every instance, opens
// sockets and feeds Startup.
func (d *Daemon) start(ctx context.Context) error {
	links, err := d.sys.Watch(ctx, func(name string, up bool) { d.post(evLink{ifname: name, up: up}) },
		func(name string) {
			// Our own VIP adds are address changes too: thousands at a
			// takeover. Only an instance waiting for an address cares.
			if d.waiting.Load() > 0 {
				d.post(evAddr{ifname: name})
			}
		})
	if err != nil {
		d.log.Warn("link monitoring unavailable", "err", err)
	}
	for k, v := range links {
		d.links[k] = v
	}
	d.instSlab.reserve(len(d.cfg.Instances))
	d.machSlab.reserve(len(d.cfg.Instances))
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
	now := d.now()
	for _, in := range d.insts {
		d.startInstance(in, now)
	}
	d.startTrackers(ctx)
	return nil
}

// startInstance feeds Startup, then what the machine must know at once:
// an unusable interface and an operator's maintenance.
func (d *Daemon) startInstance(in *instance, now time.Time) {
	// An instance that cannot run goes straight to FAULT, as keepalived's
	// does, without a BACKUP first.
	in.ifUp = true
	d.syncIface(in, now)
	d.feed(in, now, vrrp.Startup())
	if d.maint[in.cfg.Name] {
		d.feed(in, now, vrrp.Maintenance(true))
	}
	d.syncIface(in, now)
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
			in.group, in.idx = g, int32(len(g.members))
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

// loop fires due timers before it takes each event, and sleeps on the
// queue, the signals and the one timer wake-up.
func (d *Daemon) loop(ctx context.Context, sigs <-chan os.Signal) {
	for {
		d.applyFilters()
		d.fireDue()
		d.wake.Set(d.timers.next())
		select {
		case <-ctx.Done():
			return
		case s := <-sigs:
			d.signal(s)
		case <-d.wake.C():
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
	d.foldKernelDrops() // every dump shows the kernel's drops too
	switch s {
	case syscall.SIGHUP:
		d.log.Info("reloading configuration (SIGHUP)")
		d.requestReload(nil)
	case syscall.SIGUSR1:
		d.dump("keepalived.data", d.dataText())
		d.dump("keepalived_check.data", d.lvs.Dump())
		if d.bfd != nil {
			d.dump("keepalived_bfd.data", d.bfd.Dump())
		}
	case syscall.SIGUSR2:
		d.dump("keepalived.stats", d.statsText())
	case sigStatsClear:
		d.dump("keepalived.stats", d.statsText())
		d.clearStats()
	case sigJSON:
		b, err := d.jsonDump()
		if err != nil {
			d.log.Error("json dump", "err", err)
			return
		}
		d.dump("keepalived.json", b)
	}
}

func (d *Daemon) clearStats() {
	for _, in := range d.insts {
		in.stats = stats{}
	}
	for _, s := range d.socks {
		s.drops = nil
	}
}

func (d *Daemon) handle(ev event) {
	now := d.now()
	switch e := ev.(type) {
	case evPacket:
		// Time the packet from its arrival, not from when the loop got to
		// it: the master-down timer it re-arms must not drift late.
		d.receive(e.at, e)
	case *evPackets:
		for i := range e.pkts {
			d.receive(e.pkts[i].at, e.sock.packet(&e.pkts[i]))
		}
		e.release()
	case evReloaded:
		d.reloaded(e)
	case evHashed:
		d.hashed(e)
	case evTrack:
		d.trackResult(now, e.r)
	case evBFD:
		if d.bfd != nil {
			d.bfd.Receive(e.d)
		}
	case evLink:
		d.linkChanged(now, e.ifname, e.up)
	case evAddr:
		d.addrChanged(now, e.ifname)
	case evRetry:
		d.retryAddresses(e.in, now)
	case evSnapshot:
		d.foldKernelDrops()
		e.reply <- d.snapshot()
	case evLive:
		e.reply <- d.live(e.buf)
	case evMetricsRead:
		d.foldKernelDrops()
		e.reply <- d.metricsRead(e.buf)
	case evMaintenance:
		e.reply <- d.setMaintenance(now, e.name, e.on)
	case evDrain:
		e.reply <- d.drain(e.vs, e.rs, e.on)
	case evReloadReq:
		d.requestReload(e.reply)
	case evPlanBase:
		e.reply <- d.planBase()
	}
}

func (d *Daemon) linkChanged(now time.Time, ifname string, up bool) {
	d.links[ifname] = up
	d.forgetPrimary(ifname)
	for _, in := range d.insts {
		if in.cfg.Interface != ifname || in.stopped {
			continue
		}
		d.log.Info("interface state", "instance", in.cfg.Name, "interface", ifname, "up", up)
		in.linkUp = up
		if up && !in.attached {
			d.reattach(in)
		}
		if !up {
			in.why = reasonHint{vrrp.StateFault, reasonLinkDown} // ifname is in.cfg.Interface
		}
		d.syncIface(in, now)
	}
}

// addrChanged retries the instances on ifname still waiting for an
// address.
func (d *Daemon) addrChanged(now time.Time, ifname string) {
	d.forgetPrimary(ifname)
	for _, in := range d.insts {
		if in.cfg.Interface == ifname && !in.attached && !in.stopped {
			d.reattach(in)
			d.syncIface(in, now)
		}
	}
}

func (d *Daemon) reattach(in *instance) {
	if err := d.attach(in); err != nil {
		d.log.Error("attach", "instance", in.cfg.Name, "err", err)
		return
	}
	if in.attached {
		d.log.Info("leaving FAULT: the interface can carry the instance", "instance", in.cfg.Name,
			"interface", in.cfg.Interface, "source", in.source())
	}
}

// shutdown stops every instance in order: priority-0 advert from masters,
// addresses removed once the successor is heard (handover.go; at once with
// --release-at-once, never with -V), notify STOP.
func (d *Daemon) shutdown() {
	d.beginShutdown()
	d.awaitHandovers()
	d.finishShutdown()
}

// beginShutdown resigns every master (and stops every backup).
func (d *Daemon) beginShutdown() {
	d.stopping = true
	d.syncd.Stop()
	d.syncd = nil
	d.stopTrackGroups()
	if d.probes != nil {
		d.probes.Stop()
	}
	now, ev := d.now(), d.handoverEvent()
	for _, in := range d.insts {
		d.feed(in, now, ev)
	}
}

// finishShutdown releases what is left once the handovers are over.
func (d *Daemon) finishShutdown() {
	for _, in := range d.insts {
		d.timers.stopAll(in)
		in.stopped = true
		if in.vmac != "" && !d.opts.DontReleaseVRRP {
			if err := netconf.DeleteVMAC(in.vmac); err != nil {
				d.log.Error("remove VMAC", "interface", in.vmac, "err", err)
			}
		}
	}
	d.removeStatic()
	d.closeSockets()
	for _, g := range d.garps {
		g.a.Close()
	}
}

// logErr runs f and logs its error; for deferred clean-ups.
func logErr(log *slog.Logger, what string, f func() error) {
	if err := f(); err != nil {
		log.Warn(what, "err", err)
	}
}
