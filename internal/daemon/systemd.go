package daemon

import (
	"github.com/coreos/go-systemd/v22/daemon"
)

// sdNotify tells systemd about our state. Debian's keepalived.service is
// Type=notify, so a drop-in replacement started by that unit must say
// READY=1 once running, RELOADING=1/READY=1 around a reload and STOPPING=1
// at shutdown; without NOTIFY_SOCKET this does nothing.
func (d *Daemon) sdNotify(state string) {
	if ok, err := daemon.SdNotify(false, state); err != nil {
		d.log.Warn("systemd notify", "state", state, "err", err)
	} else if ok {
		d.log.Debug("systemd notified", "state", state)
	}
}
