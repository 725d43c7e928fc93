package track

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/internal/scriptexec"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Settings are the tracker definitions to probe.
type Settings struct {
	Scripts   []vrrp.ScriptTracker
	Files     []vrrp.FileTracker
	Processes []vrrp.ProcessTracker
	// Interfaces are the link names referenced by track_interface (and
	// anything else the daemon wants link state for).
	Interfaces []string
	// NetNS is the path of a network namespace (/var/run/netns/NAME) whose
	// links are tracked, keepalived's net_namespace; "" is our own.
	NetNS string
	// Log receives probe errors; nil uses slog.Default().
	Log *slog.Logger
}

// Result is one tracker's new state. Up is meaningful for scripts,
// processes and interfaces, Value for files.
type Result struct {
	Kind  vrrp.TrackKind
	Name  string
	Up    bool
	Value int
}

// Event converts the result into the state-machine event it stands for.
func (r Result) Event() vrrp.Event {
	if r.Kind == vrrp.TrackKindFile {
		return vrrp.TrackerValue(r.Name, r.Value)
	}
	return vrrp.TrackerUp(r.Kind, r.Name, r.Up)
}

type resultKey struct {
	kind vrrp.TrackKind
	name string
}

// Probes runs every configured probe.
type Probes struct {
	runner *scriptexec.Runner
	report func(Result)

	mu      sync.Mutex // guards the fields below; never held while emitting
	cfg     Settings
	ctx     context.Context
	cancel  context.CancelFunc
	scripts map[string]*scriptProbe
	files   *fileWatcher
	procs   *procWatcher
	links   *linkWatcher

	emitMu  sync.Mutex // serialises report calls
	last    map[resultKey]Result
	stopped bool

	// fileRescan and procScan override the safety-net periods (tests).
	fileRescan, procScan time.Duration
	// onScriptRun, when set, observes every finished script run (tests).
	onScriptRun func(name string, ok bool)
}

// New prepares the probes; nothing runs before Start. report is called
// from probe goroutines, one call at a time; it must return quickly (the
// daemon's only enqueues) and must not call back into Probes.
func New(cfg Settings, runner *scriptexec.Runner, report func(Result)) *Probes {
	if runner == nil {
		runner = &scriptexec.Runner{}
	}
	return &Probes{runner: runner, report: report, cfg: cfg, scripts: map[string]*scriptProbe{},
		last: map[resultKey]Result{}}
}

func (p *Probes) log() *slog.Logger {
	if p.cfg.Log != nil {
		return p.cfg.Log
	}
	return slog.Default()
}

// emit delivers a result unless it repeats the last one for that tracker
// (and unless Stop has run).
func (p *Probes) emit(r Result) {
	p.emitMu.Lock()
	defer p.emitMu.Unlock()
	if p.stopped {
		return
	}
	k := resultKey{r.Kind, r.Name}
	if old, ok := p.last[k]; ok && old == r {
		return
	}
	p.last[k] = r
	p.report(r)
}

// forget drops the remembered result of a removed or restarted tracker so
// its next result is reported even if it equals the old one.
func (p *Probes) forget(kind vrrp.TrackKind, name string) {
	p.emitMu.Lock()
	delete(p.last, resultKey{kind, name})
	p.emitMu.Unlock()
}

// Snapshot returns the latest result of every tracker that has one, for
// dumps and for rebuilding instance tracking after a reload.
func (p *Probes) Snapshot() []Result {
	p.emitMu.Lock()
	defer p.emitMu.Unlock()
	out := make([]Result, 0, len(p.last))
	for _, r := range p.last {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Result) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// Start launches every probe. Probes whose setup fails (no inotify, no
// netlink) are logged and the rest keep running: a tracker that never
// reports leaves its instances where vrrp.Tracking puts unknown trackers.
func (p *Probes) Start(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ctx, p.cancel = context.WithCancel(ctx)
	for _, s := range p.cfg.Scripts {
		p.startScript(s, nil)
	}
	p.startFiles(p.cfg.Files, nil)
	p.startProcs(p.cfg.Processes, nil)
	p.startLinks(p.cfg.Interfaces)
}

// Stop ends every probe, kills running scripts and waits for every
// goroutine; no report is delivered once it returns.
func (p *Probes) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
	}
	for name, s := range p.scripts {
		s.stop()
		delete(p.scripts, name)
	}
	if p.files != nil {
		p.files.stop()
		p.files = nil
	}
	if p.procs != nil {
		p.procs.stop()
		p.procs = nil
	}
	if p.links != nil {
		p.links.stop()
		p.links = nil
	}
	p.emitMu.Lock()
	p.stopped = true
	p.emitMu.Unlock()
}

// Update switches to new settings on reload. A vrrp_script whose probing
// settings are unchanged keeps running with its rise/fall state, as
// keepalived carries script state over a reload; files, processes and links
// keep their last known state and are re-read at once. The latest result of
// every tracker still configured is reported again, because the daemon
// rebuilds instance tracking on reload.
func (p *Probes) Update(cfg Settings) {
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.cfg
	if cfg.Log == nil {
		cfg.Log = old.Log
	}
	p.cfg = cfg
	if p.ctx == nil {
		return // not started: Start will use cfg
	}
	p.updateScripts(cfg.Scripts)
	fileCarry := map[string]fileState{}
	if p.files != nil {
		fileCarry = p.files.stop()
	}
	p.startFiles(cfg.Files, keepFiles(old.Files, cfg.Files, fileCarry))
	var procCarry map[string]quorum
	if p.procs != nil {
		procCarry = p.procs.stop()
	}
	p.startProcs(cfg.Processes, keepProcs(old.Processes, cfg.Processes, procCarry))
	if p.links != nil {
		p.links.stop()
	}
	p.startLinks(cfg.Interfaces)
	p.dropRemoved(cfg)
	p.emitMu.Lock()
	defer p.emitMu.Unlock()
	for _, r := range p.last {
		p.report(r)
	}
}

// dropRemoved forgets results of trackers no longer configured.
func (p *Probes) dropRemoved(cfg Settings) {
	keep := map[resultKey]bool{}
	for _, s := range cfg.Scripts {
		keep[resultKey{vrrp.TrackKindScript, s.Name}] = true
	}
	for _, f := range cfg.Files {
		keep[resultKey{vrrp.TrackKindFile, f.Name}] = true
	}
	for _, pr := range cfg.Processes {
		keep[resultKey{vrrp.TrackKindProcess, pr.Name}] = true
	}
	for _, n := range cfg.Interfaces {
		keep[resultKey{vrrp.TrackKindInterface, n}] = true
	}
	p.emitMu.Lock()
	for k := range p.last {
		if !keep[k] {
			delete(p.last, k)
		}
	}
	p.emitMu.Unlock()
}
