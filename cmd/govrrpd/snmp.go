package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/govrrpd/govrrpd/internal/daemon"
	"github.com/govrrpd/govrrpd/internal/snmpagent"
	"github.com/govrrpd/govrrpd/internal/status"
)

// snmpRun is the AgentX sub-agent of -x/-A and enable_snmp_*. It hears
// the configuration and the notifications from the daemon's start on,
// and answers the master agent once the daemon is up.
type snmpRun struct {
	agent *snmpagent.Agent
	d     atomic.Pointer[daemon.Daemon]
	wg    sync.WaitGroup
}

func newSNMP(o *options, log *slog.Logger) *snmpRun {
	s := &snmpRun{}
	s.agent = snmpagent.New(s.snapshot, snmpagent.Flags{SNMP: o.snmp, Socket: o.snmpSocket,
		VRRPOnly: o.vrrpOnly, CheckOnly: o.checkOnly}, log)
	return s
}

var errNotUp = errors.New("the daemon is not up yet")

func (s *snmpRun) snapshot(ctx context.Context) (status.Daemon, error) {
	d := s.d.Load()
	if d == nil {
		return status.Daemon{}, errNotUp
	}
	return d.Snapshot(ctx)
}

// start runs the agent over d until ctx ends.
func (s *snmpRun) start(ctx context.Context, d *daemon.Daemon) {
	s.d.Store(d)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.agent.Run(ctx)
	}()
}

// wait waits for the agent to close its session after ctx ended.
func (s *snmpRun) wait() { s.wg.Wait() }
