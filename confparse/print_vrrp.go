package confparse

import (
	"strconv"
	"time"

	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/srcpos"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Printing of trackers, sync groups and vrrp_instance. The instance key
// order is the one Piranha's lvs.cf importer is specified to produce
// (lvscf/mapping.md §3.1): state, interface, virtual_router_id, priority,
// advert_int, nopreempt, unicast_src_ip, unicast_peer, virtual_ipaddress,
// then tracking and notify_*. Those five election keys are always written;
// every other key only when it differs from what keepalived would derive
// from global_defs.

// Instance writes one vrrp_instance, with defaults taken from an empty
// global_defs.
func (pr *Printer) Instance(in *vrrp.Instance) {
	var c Config
	globalDefaults(&c)
	printInstance(pr.p, &c, in)
}

// InstanceDefaults returns the vrrp_instance keepalived 2.2.7 makes of a
// block that sets nothing but its virtual_router_id, under the global_defs
// of cfg; Name, Source and VRID are left empty for the caller. It runs the
// semantic pass on such a block instead of restating the defaults, so it
// cannot drift from what reading a file gives.
func InstanceDefaults(cfg *Config) vrrp.Instance {
	c := &Config{Global: cfg.Global, VRRP: cfg.VRRP, IPVS: cfg.IPVS}
	a := &analyzer{cfg: c}
	n := &Node{Key: "vrrp_instance", Args: []Word{{Text: "defaults"}}, Block: true,
		Children: []*Node{{Key: "virtual_router_id", Args: []Word{{Text: "1"}}}}}
	dispatch(a, n, topLevel, c, "")
	for _, f := range a.finishers {
		f()
	}
	in := c.Instances[0]
	in.Name, in.Source, in.VRID = "", srcpos.Pos{}, 0
	return in
}

// ScriptTracker writes one vrrp_script.
func (pr *Printer) ScriptTracker(s *vrrp.ScriptTracker) { printScriptTracker(pr.p, s) }

// scriptWords writes a command as one double-quoted string, always: the
// form keepalived's documentation gives for script, notify_* and misc_path,
// and the one the lvs.cf contract (§3.4) requires, so a single-word
// command reads the same as a long one.
func scriptWords(s script.Spec) []string {
	w := []string{`"` + s.Raw + `"`}
	if s.User != "" {
		w = append(w, quote(s.User))
		if s.Group != "" {
			w = append(w, quote(s.Group))
		}
	}
	return w
}

func printTrackers(p *printer, c *Config) {
	printBFDs(p, c.BFDs)
	for i := range c.Scripts {
		printScriptTracker(p, &c.Scripts[i])
	}
	for _, t := range c.Processes {
		p.open("vrrp_track_process", quote(t.Name))
		p.line(append([]string{"process", quote(t.Process)}, quoteAll(t.Params)...)...)
		if t.ParamMatch != "" {
			p.line("param_match", t.ParamMatch)
		}
		if t.FullCommand {
			p.line("full_command")
		}
		weightLine(p, t.Weight, t.Reverse, 0)
		if t.Quorum != 1 {
			p.line("quorum", strconv.Itoa(t.Quorum))
		}
		if t.QuorumMaxSet {
			p.line("quorum_max", strconv.Itoa(t.QuorumMax))
		}
		timerLine(p, "fork_delay", t.ForkDelay, 0)
		timerLine(p, "terminate_delay", t.TerminateDelay, 0)
		p.close()
	}
	for _, t := range c.Files {
		p.open("track_file", quote(t.Name))
		p.line("file", quote(t.Path))
		weightLine(p, t.Weight, t.Reverse, 1)
		if t.InitFile {
			w := []string{"init_file"}
			if t.InitValue != 0 {
				w = append(w, strconv.Itoa(t.InitValue))
			}
			if t.Overwrite {
				w = append(w, "overwrite")
			}
			p.line(w...)
		}
		p.close()
	}
}

// printScriptTracker always writes the timing keys, which the lvs.cf
// importer's goldens show explicitly.
func printScriptTracker(p *printer, s *vrrp.ScriptTracker) {
	p.open("vrrp_script", quote(s.Name))
	p.line(append([]string{"script"}, scriptWords(s.Script)...)...)
	p.line("interval", fmtSeconds(s.Interval))
	p.line("timeout", fmtSeconds(s.Timeout))
	weightLine(p, s.Weight, s.Reverse, 0)
	p.line("fall", strconv.Itoa(s.Fall))
	p.line("rise", strconv.Itoa(s.Rise))
	if s.InitFail {
		p.line("init_fail")
	}
	p.close()
}

func weightLine(p *printer, w int, rev bool, def int) {
	if w == def && !rev {
		return
	}
	if rev {
		p.line("weight", strconv.Itoa(w), "reverse")
		return
	}
	p.line("weight", strconv.Itoa(w))
}

func timerLine(p *printer, k string, v, def time.Duration) {
	if v != def {
		p.line(k, fmtSeconds(v))
	}
}

func flagLine(p *printer, k string, v, def bool) {
	if v != def {
		if v {
			p.line(k)
		} else {
			p.line(k, "off")
		}
	}
}

func printSyncGroups(p *printer, c *Config) {
	for i := range c.SyncGroups {
		g := &c.SyncGroups[i]
		p.open("vrrp_sync_group", quote(g.Name))
		p.open("group")
		for _, m := range g.Members {
			p.line(quote(m))
		}
		p.close()
		printTracking(p, g.TrackInterfaces, g.TrackScripts, g.TrackFiles, g.TrackProcesses, g.TrackBFDs)
		printNotify(p, &g.Notify)
		flagLine(p, "smtp_alert", g.SMTPAlert, false)
		flagLine(p, "notify_priority_changes", g.NotifyPriorityChanges, false)
		if g.TrackingWeight {
			p.line("sync_group_tracking_weight")
		}
		p.close()
	}
}

func printTracking(p *printer, ifs []vrrp.TrackInterface, scripts, files, procs, bfds []vrrp.TrackRef) {
	if len(ifs) > 0 {
		p.open("track_interface")
		for _, t := range ifs {
			w := []string{quote(t.Name)}
			if t.Weight != 0 || t.Reverse {
				w = append(w, "weight", strconv.Itoa(t.Weight))
				if t.Reverse {
					w = append(w, "reverse")
				}
			}
			p.line(w...)
		}
		p.close()
	}
	for _, blk := range []struct {
		k    string
		refs []vrrp.TrackRef
	}{{"track_script", scripts}, {"track_file", files}, {"track_process", procs}, {"track_bfd", bfds}} {
		if len(blk.refs) == 0 {
			continue
		}
		p.open(blk.k)
		for _, r := range blk.refs {
			w := []string{quote(r.Name)}
			if r.WeightSet {
				w = append(w, "weight", strconv.Itoa(r.Weight))
				if r.Reverse {
					w = append(w, "reverse")
				}
			}
			p.line(w...)
		}
		p.close()
	}
}

func printNotify(p *printer, n *vrrp.Notify) {
	for _, s := range []struct {
		k string
		v script.Spec
	}{{"notify_master", n.Master}, {"notify_backup", n.Backup}, {"notify_fault", n.Fault},
		{"notify_stop", n.Stop}, {"notify", n.Generic}, {"notify_master_rx_lower_pri", n.MasterRxLowerPri}} {
		if !s.v.IsZero() {
			p.line(append([]string{s.k}, scriptWords(s.v)...)...)
		}
	}
	if n.DeletedSet {
		if n.Deleted.IsZero() {
			p.line("notify_deleted")
		} else {
			p.line(append([]string{"notify_deleted"}, scriptWords(n.Deleted)...)...)
		}
	}
}

func printInstances(p *printer, c *Config) {
	for i := range c.Instances {
		printInstance(p, c, &c.Instances[i])
	}
}
