package plan

import (
	"fmt"
	"io"
	"strings"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/status"
)

// Refused returns the diagnostics for which a reload refuses a new file:
// errors (and worse) the running configuration did not already have,
// compared by message since line numbers move when lines are added above.
// The daemon's reload and the plan share this rule.
func Refused(baseline, diags confparse.Diagnostics) confparse.Diagnostics {
	seen := map[string]bool{}
	for _, b := range baseline {
		seen[b.Msg] = true
	}
	var bad confparse.Diagnostics
	for _, x := range diags {
		if x.Severity >= confparse.Fatal && !seen[x.Msg] {
			bad = append(bad, x)
		}
	}
	return bad
}

// Messages formats diagnostics as -t prints them: FILE:LINE: message.
func Messages(diags confparse.Diagnostics) []string {
	var out []string
	for _, d := range diags.Sorted() {
		out = append(out, fmt.Sprintf("%s: %s", d.Pos, d.Msg))
	}
	return out
}

// Against is the plan from a running configuration (with the
// diagnostics it was loaded with) to the file at newPath, read as a
// reload reads it. lvsPlan is as for Compute.
func Against(old *confparse.Config, baseline confparse.Diagnostics, newPath string, opts confparse.Options,
	lvsPlan LVSPlan) (status.Plan, error) {
	cfg, diags := confparse.Load(newPath, opts)
	if bad := Refused(baseline, diags); len(bad) > 0 || cfg == nil {
		errs := Messages(bad)
		if len(errs) == 0 {
			errs = []string{newPath + ": cannot be read"}
		}
		return status.Plan{Errors: errs}, nil
	}
	return Compute(old, cfg, lvsPlan)
}

// Files is the offline plan: from the configuration in oldPath to the one
// in newPath, refused as a daemon running oldPath would refuse a reload.
// An old file with fatal errors is an error: no daemon runs it.
func Files(oldPath, newPath string, opts confparse.Options) (status.Plan, error) {
	old, diags := confparse.Load(oldPath, opts)
	var fatal confparse.Diagnostics
	for _, d := range diags {
		if d.Severity == confparse.Fatal {
			fatal = append(fatal, d)
		}
	}
	if len(fatal) > 0 || old == nil {
		return status.Plan{}, fmt.Errorf("--from %s is invalid:\n%s", oldPath, strings.Join(Messages(fatal), "\n"))
	}
	return Against(old, diags, newPath, opts, nil)
}

// ExitCode is `govrrpd plan`'s status: 0 no change, 2 changes, 1 an
// invalid file.
func ExitCode(p status.Plan) int {
	switch {
	case len(p.Errors) > 0:
		return 1
	case len(p.Changes) > 0:
		return 2
	}
	return 0
}

// Render prints a plan for people: one line per change ("+" add, "-"
// remove, "~" change), the IPVS operations indented under it.
func Render(w io.Writer, p status.Plan) {
	if len(p.Errors) > 0 {
		for _, e := range p.Errors {
			fmt.Fprintln(w, e)
		}
		fmt.Fprintln(w, "the file is invalid: a reload would refuse it and keep the running configuration")
		return
	}
	if len(p.Changes) == 0 {
		fmt.Fprintln(w, "no changes: a reload would change nothing")
		return
	}
	sign := map[string]string{"add": "+", "remove": "-", "change": "~"}
	for _, c := range p.Changes {
		line := fmt.Sprintf("%s %s %s", sign[c.Op], strings.ReplaceAll(c.Kind, "_", " "), c.Object)
		if c.Parent != "" {
			line += " (" + c.Parent + ")"
		}
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		if c.Kind == "instance" && c.Op == "change" && c.KeepsState {
			line += " [keeps state]"
		}
		fmt.Fprintln(w, line)
		for _, op := range c.Ops {
			fmt.Fprintln(w, "    ipvs "+op)
		}
	}
	fmt.Fprintf(w, "%d changes; new config hash %s\n", len(p.Changes), p.ConfigHash)
}
