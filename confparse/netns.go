package confparse

import (
	"os"
	"path/filepath"
)

// keepalived -t enters net_namespace before it checks anything; when the
// namespace does not exist it stops there ("Unable to set network
// namespace") and exits 0, having checked nothing — so a file naming a
// namespace absent from the machine passes -t whatever it holds, and the
// daemon then refuses to start. govrrpd gives the same verdict and says
// so, turning what it found into notes.

// netnsExists reports whether /run/netns/NAME exists; a variable for tests.
var netnsExists = func(name string) bool {
	_, err := os.Stat(filepath.Join("/run/netns", name))
	return err == nil
}

// missingNamespace applies that verdict to a -t load (CheckInterfaces).
func (a *analyzer) missingNamespace() {
	ns := a.cfg.Global.NetNamespace
	if !a.opts.CheckInterfaces || ns == "" || a.opts.InNamespace || netnsExists(ns) {
		return
	}
	for i := range a.diags {
		if a.diags[i].Severity != Info {
			a.diags[i].Msg = "not checked by keepalived -t: " + a.diags[i].Msg
			a.diags[i].Severity = Info
		}
	}
	a.infof(a.netnsPos, "net_namespace %s does not exist: keepalived -t checks nothing more and exits 0; the daemon would exit with \"Unable to set network namespace %s - exiting\"", ns, ns)
}
