package daemon

import (
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/procprio"
)

// applyScheduling gives the process the configuration's vrrp_priority and
// vrrp_cpu_affinity, at start and after each accepted reload (a reload
// that drops them puts the process back as it started). A refusal, such
// as a negative nice value without CAP_SYS_NICE, is logged and the daemon
// runs on, as keepalived does.
func (d *Daemon) applyScheduling(cfg *confparse.Config) {
	if d.prio == nil {
		return
	}
	p := cfg.Global.Process
	if err := d.prio.Apply(procprio.Settings{Nice: p.Nice, CPUs: p.CPUs}); err != nil {
		d.log.Error("process scheduling not applied", "err", err)
	}
}
