package daemon

import (
	"context"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/track"
)

// trackSettings collects what the probes watch: every defined tracker, and
// every interface named by a track_interface of an instance or sync group.
func trackSettings(cfg *confparse.Config, d *Daemon) track.Settings {
	s := track.Settings{Scripts: cfg.Scripts, Files: cfg.Files, Processes: cfg.Processes, Log: d.log}
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			s.Interfaces = append(s.Interfaces, n)
		}
	}
	for _, in := range cfg.Instances {
		for _, t := range in.TrackInterfaces {
			add(t.Name)
		}
	}
	for _, g := range cfg.SyncGroups {
		for _, t := range g.TrackInterfaces {
			add(t.Name)
		}
	}
	return s
}

// startTrackers runs the probes; their results reach the event loop as
// events, so the machines see them in order with everything else.
func (d *Daemon) startTrackers(ctx context.Context) {
	s := trackSettings(d.cfg, d)
	if d.probesOff || len(s.Scripts)+len(s.Files)+len(s.Processes)+len(s.Interfaces) == 0 {
		return
	}
	d.probes = track.New(s, d.runner, func(r track.Result) { d.post(evTrack{r}) })
	d.probes.Start(ctx)
}

// trackResult feeds a probe result to every instance; an instance that
// does not track that object ignores it.
func (d *Daemon) trackResult(now time.Time, r track.Result) {
	d.log.Info("tracker", "kind", r.Kind.String(), "name", r.Name, "up", r.Up, "value", r.Value)
	ev := r.Event()
	for _, in := range d.insts {
		if !in.stopped {
			d.feed(in, now, ev)
		}
	}
}

// replayTrackers gives instances started by a reload the current results.
func (d *Daemon) replayTrackers(in *instance, now time.Time) {
	d.replayBFD(in, now)
	if d.probes == nil {
		return
	}
	for _, r := range d.probes.Snapshot() {
		d.feed(in, now, r.Event())
	}
}
