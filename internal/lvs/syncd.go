package lvs

import (
	"log/slog"
	"os"

	"github.com/govrrpd/govrrpd/ipvs"
)

// Syncd runs lvs_sync_daemon (ipvs.SyncSwitch has keepalived's rules),
// master while its VRRP instance is MASTER and backup otherwise. Its
// netlink commands take rtnl_lock in the kernel and can wait, so they run
// in order on their own goroutine, never on the VRRP loop.
type Syncd struct {
	log      *slog.Logger
	sw       *ipvs.SyncSwitch
	backend  ipvs.SyncBackend
	instance string
	work     chan func()
	done     chan struct{}
}

// StartSyncd starts the backup daemon when lvs_sync_daemon names an
// existing instance (vrids maps instance names to their VRID); the
// instance's first MASTER switches it. It returns nil when there is
// nothing to run, after logging why.
func StartSyncd(g ipvs.Globals, vrids map[string]uint8, log *slog.Logger) *Syncd {
	sd := g.SyncDaemon
	if sd == nil {
		return nil
	}
	vrid, found := vrids[sd.Instance]
	if !found {
		log.Error("Unable to find vrrp instance for lvs_syncd - no sync daemon runs", "instance", sd.Instance)
		return nil
	}
	cfg, err := ipvs.SyncConfigFor(sd, vrid)
	if err != nil {
		log.Error("lvs_sync_daemon", "err", err)
		return nil
	}
	var b ipvs.SyncBackend
	if os.Getenv("GOVRRPD_IPVS_BACKEND") == "memory" {
		b = ipvs.NewMemorySync()
	} else if k, err := kernelSync(); err != nil {
		log.Error("IPVS sync daemon not available: connections are NOT synchronised", "err", err)
		return nil
	} else {
		b = k
	}
	return startSyncd(b, cfg, sd.Instance, log)
}

func startSyncd(b ipvs.SyncBackend, cfg ipvs.SyncConfig, instance string, log *slog.Logger) *Syncd {
	s := &Syncd{log: log, sw: ipvs.NewSyncSwitch(b, cfg), backend: b, instance: instance,
		work: make(chan func(), 64), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for f := range s.work {
			f()
		}
	}()
	s.do("start", func() error { return s.sw.Start(false) })
	return s
}

func (s *Syncd) do(what string, f func() error) {
	s.work <- func() {
		if err := f(); err != nil {
			s.log.Error("lvs_sync_daemon "+what, "err", err)
			return
		}
		s.log.Info("lvs_sync_daemon "+what, "running", s.sw.State().String(), "interface", s.sw.Config().Interface,
			"syncid", s.sw.Config().SyncID)
	}
}

// Follow is called on every state change of a VRRP instance; only the
// driving instance's count: master while it is MASTER, backup otherwise.
// A nil Syncd ignores it.
func (s *Syncd) Follow(instance string, master bool) {
	if s == nil || instance != s.instance {
		return
	}
	if master {
		s.do("master", s.sw.Master)
	} else {
		s.do("backup", s.sw.Backup)
	}
}

// Stop stops the daemon and waits for the queue to drain; the daemon calls
// it before the instances release their addresses, as keepalived's
// vrrp_terminate_phase1 does. A nil Syncd does nothing.
func (s *Syncd) Stop() {
	if s == nil {
		return
	}
	s.do("stop", s.sw.Stop)
	close(s.work)
	<-s.done
	if c, ok := s.backend.(interface{ Close() }); ok {
		c.Close()
	}
}
