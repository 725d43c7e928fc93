package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/bgpproc"
	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/daemon"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/status"
)

// loadBGP reads --bgp-config and checks its conditions against the
// keepalived configuration (nil skips that check). Every message goes to
// report; the Config is nil when the file must not run.
func loadBGP(o *options, kcfg *confparse.Config, report func(confparse.Diagnostic)) *bgp.Config {
	b, diags := confparse.LoadBGP(o.bgpConfig, parseOptions(o, false))
	if kcfg != nil {
		diags = append(diags, confparse.CheckBGPRefs(b, kcfg)...)
	}
	for _, d := range diags.Sorted() {
		report(d)
	}
	if !confparse.BGPUsable(diags) {
		return nil
	}
	return b
}

// logBGPDiag logs one message about --bgp-config: an error refuses the
// file; Info is advice on a file that runs (e.g. what breaks connections
// across directors), a warning in the log.
func logBGPDiag(log *slog.Logger, d confparse.Diagnostic) {
	level := slog.LevelError
	if d.Severity == confparse.Info {
		level = slog.LevelWarn
	}
	log.Log(context.Background(), level, "bgp config", "at", d.Pos.String(), "msg", d.Msg)
}

// configTestBGP is -t for the --bgp-config file: its messages as FILE:LINE
// and exit status 1 when it would be refused (keepalived's codes are for
// keepalived.conf; this file is govrrpd's alone).
func configTestBGP(o *options, kcfg *confparse.Config, out io.Writer) int {
	if o.bgpConfig == "" {
		return 0
	}
	if loadBGP(o, kcfg, func(d confparse.Diagnostic) { fmt.Fprintf(out, "%s: %s\n", d.Pos, d.Msg) }) == nil {
		fmt.Fprintf(out, "%s: refused\n", o.bgpConfig)
		return 1
	}
	return 0
}

// bgpRun is the BGP side of a running daemon.
type bgpRun struct {
	o       *options
	log     *slog.Logger
	speaker *bgpproc.Proc // the helper process (govrrpd-bgp)
	stop    func()
	wg      sync.WaitGroup
	loaded  *bgp.Config // the file read at start
	// reloading orders SIGHUP's re-reads and `ctl reload`'s.
	reloading sync.Mutex
}

// startBGP reads --bgp-config before the daemon starts: a file with
// errors keeps govrrpd from starting, as keepalived.conf's fatal errors do,
// and so does a missing BGP helper.
func startBGP(o *options, log *slog.Logger, m *metrics.Metrics) (*bgpRun, error) {
	if o.bgpConfig == "" {
		return nil, nil
	}
	helper, err := bgpproc.FindHelper(o.bgpHelper)
	if err != nil {
		return nil, err
	}
	kcfg, _ := confparse.Load(o.configFile, parseOptions(o, false))
	b := loadBGP(o, kcfg, func(d confparse.Diagnostic) { logBGPDiag(log, d) })
	if b == nil {
		return nil, fmt.Errorf("%s: refused (see the messages above)", o.bgpConfig)
	}
	r := &bgpRun{o: o, log: log, loaded: b}
	r.speaker = bgpproc.New(bgpproc.Options{Log: log, Metrics: m, Helper: helper})
	return r, r.start(b)
}

func (r *bgpRun) start(b *bgp.Config) error {
	return r.speaker.Start(context.Background(), b)
}

// attach gives the speaker the running daemon's verdicts and follows
// SIGHUP; it runs once the daemon is ready.
func (r *bgpRun) attach(d *daemon.Daemon) {
	if r == nil {
		return
	}
	r.speaker.SetState(conditionSource(d.Quorums, d.Snapshot, r.speaker.NeedsInstances))
	// IPVS is set up by now, so its sysctls can be read.
	if msg := sloppyAdvice(r.loaded, os.ReadFile); msg != "" {
		r.log.Warn(msg)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = func() { signal.Stop(hup); cancel(); r.wg.Wait() }
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				r.reload(ctx)
			}
		}
	}()
}

// reload re-reads --bgp-config on SIGHUP, beside the daemon's own reload
// of keepalived.conf. A refused file leaves the running BGP settings.
func (r *bgpRun) reload(ctx context.Context) {
	r.reloading.Lock()
	defer r.reloading.Unlock()
	kcfg, _ := confparse.Load(r.o.configFile, parseOptions(r.o, false))
	b := loadBGP(r.o, kcfg, func(d confparse.Diagnostic) { logBGPDiag(r.log, d) })
	if b == nil {
		r.log.Error("bgp reload refused; the running BGP settings stay", "file", r.o.bgpConfig)
		return
	}
	if err := r.speaker.Reload(ctx, b); err != nil {
		r.log.Error("bgp reload", "err", err)
	}
}

// shutdown is the daemon's Stopping hook: withdraw, wait for the peers,
// then let VRRP and IPVS go.
func (r *bgpRun) shutdown() {
	if r == nil {
		return
	}
	if r.stop != nil {
		r.stop()
	}
	r.speaker.Stop(context.Background())
}

// conditionSource reads what the conditions need: quorum from the LVS
// subsystem every time, instance states from the event loop's snapshot
// only when some condition names an instance.
func conditionSource(quorums func() map[string]bool, snapshot func(context.Context) (status.Daemon, error),
	needsInstances func() bool) func(context.Context) (bgp.State, error) {
	return func(ctx context.Context) (bgp.State, error) {
		st := bgp.State{Quorum: quorums()}
		if !needsInstances() {
			return st, nil
		}
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		s, err := snapshot(ctx)
		if err != nil {
			return bgp.State{}, err
		}
		st.Master = masters(s)
		return st, nil
	}
}

// masters maps each instance of a snapshot to whether it is MASTER.
func masters(s status.Daemon) map[string]bool {
	m := make(map[string]bool, len(s.Instances))
	for _, in := range s.Instances {
		m[in.Name] = in.State == "MASTER"
	}
	return m
}

// bgpBackend adds the BGP side to the daemon's snapshot, for the API,
// `govrrpd status` and the console alike (the helper's Proc registers the
// metrics).
type bgpBackend struct {
	control.Backend
	d *daemon.Daemon
	r *bgpRun
}

func (b bgpBackend) Snapshot(ctx context.Context) (status.Daemon, error) {
	d, err := b.Backend.Snapshot(ctx)
	if err != nil {
		return d, err
	}
	st, err := b.r.speaker.Status(ctx)
	if err != nil {
		b.r.log.Debug("bgp status", "err", err)
	}
	d.BGP = &st
	return d, nil
}

// Live is the web console's cheap once-a-second read, which BGP adds
// nothing to; without it the console would fall back to Snapshot.
func (b bgpBackend) Live(ctx context.Context, buf []status.LiveInstance) (status.Live, error) {
	return b.d.Live(ctx, buf)
}

// Reload is `govrrpd ctl reload` and the console's: keepalived.conf as
// SIGHUP reloads it, then --bgp-config as SIGHUP re-reads it.
func (b bgpBackend) Reload(ctx context.Context) (status.Reload, error) {
	res, err := b.Backend.Reload(ctx)
	if err == nil {
		b.r.reload(ctx)
	}
	return res, err
}

// backend is what the operations side serves.
func (r *bgpRun) backend(d *daemon.Daemon) control.Backend {
	if r == nil {
		return d
	}
	return bgpBackend{Backend: d, d: d, r: r}
}
