package ipvs

import (
	"errors"
	"fmt"
	"syscall"
)

// SyncSwitch runs lvs_sync_daemon the way keepalived 2.2.7 does
// (vrrp_daemon.c start_vrrp and vrrp_terminate_phase1, vrrp.c
// vrrp_state_become_master / vrrp_state_leave_master, ipvswrapper.c
// ipvs_syncd_master / ipvs_syncd_backup):
//
//   - start: stop any master and backup daemon a crashed predecessor left
//     behind (errors ignored), then start the backup daemon, or the master
//     one when the driving instance starts as MASTER;
//   - the instance becomes MASTER: stop the backup daemon, start the master;
//   - the instance leaves MASTER (for BACKUP or FAULT): stop the master,
//     start the backup; BACKUP<->FAULT changes nothing;
//   - exit: stop whichever daemon runs. keepalived does this even with
//     --dont-release-ipvs (-I), so govrrpd does too.
//
// Only one daemon of ours runs at a time. It holds no clock and no socket:
// the backend is injected.
type SyncSwitch struct {
	b     SyncBackend
	cfg   SyncConfig
	state SyncState // 0 when none of ours runs
}

// NewSyncSwitch drives the daemon described by cfg (its State is ignored).
func NewSyncSwitch(b SyncBackend, cfg SyncConfig) *SyncSwitch {
	return &SyncSwitch{b: b, cfg: cfg}
}

// State is the daemon that runs now (0 for none).
func (s *SyncSwitch) State() SyncState { return s.state }

// Config is the daemon's configuration.
func (s *SyncSwitch) Config() SyncConfig { return s.cfg }

// Start clears leftovers and starts the daemon for the instance's initial
// state.
func (s *SyncSwitch) Start(master bool) error {
	for _, st := range []SyncState{SyncMaster, SyncBackup} {
		_ = s.b.StopSyncDaemon(st) // ESRCH when nothing was left behind
	}
	s.state = 0
	want := SyncBackup
	if master {
		want = SyncMaster
	}
	return s.run(want)
}

// Master switches to the master daemon; nothing happens when it runs.
func (s *SyncSwitch) Master() error {
	if s.state == SyncMaster {
		return nil
	}
	return s.switchTo(SyncMaster)
}

// Backup switches back to the backup daemon after the instance left
// MASTER; nothing happens unless the master daemon runs.
func (s *SyncSwitch) Backup() error {
	if s.state != SyncMaster {
		return nil
	}
	return s.switchTo(SyncBackup)
}

// Stop stops the daemon that runs.
func (s *SyncSwitch) Stop() error {
	if s.state == 0 {
		return nil
	}
	st := s.state
	s.state = 0
	if err := s.b.StopSyncDaemon(st); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop %s sync daemon: %w", st, err)
	}
	return nil
}

// switchTo stops the other daemon, then starts want. A stop that fails is
// reported but does not keep the wanted daemon from starting.
func (s *SyncSwitch) switchTo(want SyncState) error {
	other := SyncBackup
	if want == SyncBackup {
		other = SyncMaster
	}
	var errStop error
	if err := s.b.StopSyncDaemon(other); err != nil && !errors.Is(err, syscall.ESRCH) {
		errStop = fmt.Errorf("stop %s sync daemon: %w", other, err)
	}
	s.state = 0
	return errors.Join(errStop, s.run(want))
}

func (s *SyncSwitch) run(want SyncState) error {
	c := s.cfg
	c.State = want
	if err := s.b.StartSyncDaemon(c); err != nil {
		return fmt.Errorf("start %s: %w", c, err)
	}
	s.state = want
	return nil
}
