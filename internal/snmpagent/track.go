package snmpagent

import (
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/snmpmib"
	"github.com/govrrpd/govrrpd/vrrp"
)

// weightDefs are the tracker definitions' own weights, by name: what a
// track_script, track_file, track_process or track_bfd entry without a
// weight of its own takes, as keepalived resolves it.
type weightDefs struct{ scripts, files, processes, bfds map[string]snmpmib.TrackConf }

func weightDefsOf(cfg *confparse.Config) weightDefs {
	d := weightDefs{map[string]snmpmib.TrackConf{}, map[string]snmpmib.TrackConf{}, map[string]snmpmib.TrackConf{},
		map[string]snmpmib.TrackConf{}}
	for _, s := range cfg.Scripts {
		d.scripts[s.Name] = snmpmib.TrackConf{Name: s.Name, Weight: s.Weight, Reverse: s.Reverse}
	}
	for _, f := range cfg.Files {
		d.files[f.Name] = snmpmib.TrackConf{Name: f.Name, Weight: f.Weight, Reverse: f.Reverse}
	}
	for _, p := range cfg.Processes {
		d.processes[p.Name] = snmpmib.TrackConf{Name: p.Name, Weight: p.Weight, Reverse: p.Reverse}
	}
	for _, b := range cfg.BFDs {
		d.bfds[b.Name] = snmpmib.TrackConf{Name: b.Name, Weight: b.Weight, Reverse: b.Reverse}
	}
	return d
}

// tracks resolves an instance's or a sync group's track_* entries.
func (d weightDefs) tracks(ifs []vrrp.TrackInterface, scripts, files, bfds, procs []vrrp.TrackRef) snmpmib.Tracks {
	var t snmpmib.Tracks
	for _, i := range ifs {
		t.Interfaces = append(t.Interfaces, snmpmib.TrackConf{Name: i.Name, Weight: i.Weight, Reverse: i.Reverse})
	}
	t.Scripts = refs(scripts, d.scripts)
	t.Files = refs(files, d.files)
	t.BFDs = refs(bfds, d.bfds)
	t.Processes = refs(procs, d.processes)
	return t
}

func refs(rs []vrrp.TrackRef, defs map[string]snmpmib.TrackConf) []snmpmib.TrackConf {
	var out []snmpmib.TrackConf
	for _, r := range rs {
		c := defs[r.Name]
		c.Name = r.Name
		if r.WeightSet {
			c.Weight, c.Reverse = r.Weight, r.Reverse
		}
		out = append(out, c)
	}
	return out
}
