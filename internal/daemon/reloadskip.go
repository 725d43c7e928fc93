package daemon

import (
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/status"
)

// A SIGHUP with nothing changed is the common reload (configuration
// management sends one after every run), and re-reading a 660,000-line
// file for it took minutes in a small VM. The daemon keeps the record of
// what the running configuration was read from (confparse.Inputs: every
// file's bytes, every include pattern's expansion, the host answers the
// checks got) and asks it first; only when something answers differently
// is the file read, validated, diffed and applied.
//
// Nothing is torn down on "no change": no instance, tracker or checker is
// restarted and IPVS is not touched. keepalived re-syncs its IPVS table
// on every reload; govrrpd's reload never repaired hand-made changes to
// the real servers of unchanged services either (the reconciler trusts
// its last apply for them, docs/reliability.md), and on "no change" it
// does not re-read the service list: an operator who wants the table
// re-synced edits the file (a comment will do), which re-reads it and
// runs the full diff.

// settleMargin is added to Inputs.SettleIn so the check runs safely after
// the racy window.
const settleMargin = 100 * time.Millisecond

// readChanged reports whether a reload must read the file, logging why.
// It runs on the reader's goroutine, never on the loop: hashing a file
// whose stat moved takes as long as reading it.
func (d *Daemon) readChanged(in *confparse.Inputs) bool {
	why := in.Changed()
	if why == "" {
		return false
	}
	d.log.Info("reload: reading the configuration", "because", why)
	return true
}

// noChange is a reload that found every input as the running
// configuration was read from it.
func (d *Daemon) noChange(checked time.Duration) status.Reload {
	d.sdNotify("READY=1")
	d.reloadStats.NoChange++
	// The same message as a reload that read the file, so that whoever
	// waits for a SIGHUP's "reload complete" line gets one.
	d.log.Info("reload complete", "result", "no change", "files", len(d.inputs.Files()), "checked_in", checked, "operations", 0)
	return status.Reload{At: d.now(), ConfigHash: d.configHash, Result: "no change", Changes: []status.Change{}}
}

// setInputs makes in the running configuration's record, and settles its
// files once they are old enough, off the loop, so that the next SIGHUP
// trusts their stat instead of hashing them.
func (d *Daemon) setInputs(in *confparse.Inputs) {
	d.inputs = in
	if w, unsettled := in.SettleIn(); unsettled {
		time.AfterFunc(w+settleMargin, func() { in.Changed() })
	}
}
