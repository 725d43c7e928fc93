package daemon

import (
	"os"

	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/vrrp"
)

// syncd runs lvs_sync_daemon (ipvs.SyncSwitch has keepalived's rules).
// Its netlink commands take rtnl_lock in the kernel and can wait, so they
// run in order on their own goroutine, never on the VRRP loop.
type syncd struct {
	sw       *ipvs.SyncSwitch
	backend  ipvs.SyncBackend
	instance string
	work     chan func()
	done     chan struct{}
}

// startSyncd starts the backup daemon when lvs_sync_daemon names an
// existing instance; the instance's first MASTER switches it.
func (d *Daemon) startSyncd() {
	sd := d.cfg.IPVS.SyncDaemon
	if sd == nil {
		return
	}
	var vrid uint8
	found := false
	for _, in := range d.cfg.Instances {
		if in.Name == sd.Instance {
			vrid, found = in.VRID, true
		}
	}
	if !found {
		d.log.Error("Unable to find vrrp instance for lvs_syncd - no sync daemon runs", "instance", sd.Instance)
		return
	}
	cfg, err := ipvs.SyncConfigFor(sd, vrid)
	if err != nil {
		d.log.Error("lvs_sync_daemon", "err", err)
		return
	}
	var b ipvs.SyncBackend
	if os.Getenv("GOVRRPD_IPVS_BACKEND") == "memory" {
		b = ipvs.NewMemorySync()
	} else if k, err := ipvs.NewSyncKernel(""); err != nil {
		d.log.Error("IPVS sync daemon not available: connections are NOT synchronised", "err", err)
		return
	} else {
		b = k
	}
	s := &syncd{sw: ipvs.NewSyncSwitch(b, cfg), backend: b, instance: sd.Instance, work: make(chan func(), 64), done: make(chan struct{})}
	d.syncd = s
	go func() {
		defer close(s.done)
		for f := range s.work {
			f()
		}
	}()
	s.do(d, "start", func() error { return s.sw.Start(false) })
}

func (s *syncd) do(d *Daemon, what string, f func() error) {
	s.work <- func() {
		if err := f(); err != nil {
			d.log.Error("lvs_sync_daemon "+what, "err", err)
			return
		}
		d.log.Info("lvs_sync_daemon "+what, "running", s.sw.State().String(), "interface", s.sw.Config().Interface,
			"syncid", s.sw.Config().SyncID)
	}
}

// syncdState follows the driving instance: master while it is MASTER,
// backup otherwise.
func (d *Daemon) syncdState(in *instance, st vrrp.State) {
	s := d.syncd
	if s == nil || in.cfg.Name != s.instance || d.stopping {
		return
	}
	if st == vrrp.StateMaster {
		s.do(d, "master", s.sw.Master)
	} else {
		s.do(d, "backup", s.sw.Backup)
	}
}

// stopSyncd stops the daemon before the instances release their
// addresses, as keepalived's vrrp_terminate_phase1 does (-I keeps it
// neither there nor here), and waits for the queue to drain.
func (d *Daemon) stopSyncd() {
	s := d.syncd
	if s == nil {
		return
	}
	d.syncd = nil
	s.do(d, "stop", s.sw.Stop)
	close(s.work)
	<-s.done
	if k, ok := s.backend.(*ipvs.SyncKernel); ok {
		k.Close()
	}
}
