package daemon

import (
	"context"
	"fmt"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/plan"
	"github.com/govrrpd/govrrpd/internal/status"
)

// evPlanBase asks the loop for what a plan compares against: the running
// configuration and the diagnostics it was loaded with.
type evPlanBase struct{ reply chan planBase }

func (evPlanBase) loopEvent() {}

type planBase struct {
	cfg      confparse.Config
	baseline confparse.Diagnostics
}

// planBase copies the running configuration on the loop. A reload
// replaces the configuration's slices and never edits them in place, so
// a shallow copy stays what was running while the plan is computed off
// the loop.
func (d *Daemon) planBase() planBase { return planBase{cfg: *d.cfg, baseline: d.baseline} }

// Plan says what a reload to file would change against the running
// configuration, reading the file as a reload would and changing nothing
// (`govrrpd plan`). The file is read and compared off the loop.
func (d *Daemon) Plan(ctx context.Context, file string) (status.Plan, error) {
	c := make(chan planBase, 1)
	base, err := call(ctx, d, evPlanBase{reply: c}, c)
	if err != nil {
		return status.Plan{}, fmt.Errorf("plan: %w", err)
	}
	var lvsPlan plan.LVSPlan // -P: no LVS subsystem; plan against the old file
	if d.lvs != nil {
		// The running reconciler plans against the live table.
		lvsPlan = func(_, next *confparse.Config) ([]status.Change, error) { return d.lvs.Plan(next) }
	}
	return plan.Against(&base.cfg, base.baseline, file, d.opts.Parse, lvsPlan)
}

// countReload keeps the reload counters since start, which outlive the
// 32-entry history (the reload metrics read them).
func (d *Daemon) countReload(r status.Reload) {
	d.reloadStats.Total++
	if r.Result == "refused" {
		d.reloadStats.Refused++
		return
	}
	d.reloadStats.LastSuccess = r.At
}
