package controltest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/status"
)

// Fake is a control.Backend over an in-memory snapshot.
type Fake struct {
	mu sync.Mutex
	D  status.Daemon
	// Calls records the actions in order ("drain TCP 192.0.2.10:80 192.0.2.21:80").
	Calls []string
	// PlanResult is what Plan returns.
	PlanResult status.Plan
}

var t0 = time.Date(2026, 12, 6, 6, 0, 0, 0, time.UTC)

// New returns a fake with Sample's snapshot.
func New() *Fake { return &Fake{D: Sample()} }

// Sample is the snapshot of a lab router: VI_1 (IPv4) master, VI_6 (IPv6)
// backup, one HTTP virtual server with two real servers.
func Sample() status.Daemon {
	ms := func(n int) status.Duration { return status.Duration(time.Duration(n) * time.Millisecond) }
	return status.Daemon{
		Version: "0.1.0-test", PID: 4242, Started: t0, Now: t0.Add(90 * time.Second),
		ConfigFile: "/etc/keepalived/keepalived.conf",
		ConfigHash: "5d41402abc4b2a76b9719d911017c592ae6f1c2e0c3a1d6f0e7e8e9b1a2c3d4e",
		Instances: []status.Instance{{
			Name: "VI_1", VRID: 51, Family: "inet", Version: 2, Interface: "eth0", SyncGroup: "G1",
			State: "MASTER", Priority: 150, EffectivePriority: 140,
			Trackers:  []status.Tracker{{Kind: "script", Name: "chk_nginx", Weight: -10, Contribution: -10}},
			AdvertInt: ms(1000), MasterAddr: "192.0.2.1", MasterPriority: 140, MasterAdvertInt: ms(1000),
			VIPs: []string{"192.0.2.100/24"}, LastTransition: t0.Add(3 * time.Second),
			LastReason: "master down timer expired",
			Stats: status.InstanceStats{AdvertsSent: 87, AdvertsReceived: 3, BecameMaster: 1, GARPSent: 5,
				Drops:       map[string]uint64{"auth-failure": 2, "ttl": 1},
				Transitions: []status.TransitionCount{{From: "INIT", To: "BACKUP", Reason: "startup", Count: 1}, {From: "BACKUP", To: "MASTER", Reason: "master down timer expired", Count: 1}}},
		}, {
			Name: "VI_6", VRID: 52, Family: "inet6", Version: 3, Interface: "eth0", State: "BACKUP",
			Priority: 100, EffectivePriority: 100, Trackers: []status.Tracker{},
			AdvertInt: ms(100), MasterAddr: "fe80::2", MasterPriority: 200, MasterAdvertInt: ms(100),
			VIPs: []string{"2001:db8::100/64"}, LastTransition: t0.Add(time.Second), LastReason: "startup",
			Stats: status.InstanceStats{AdvertsReceived: 880, Drops: map[string]uint64{},
				Transitions: []status.TransitionCount{{From: "INIT", To: "BACKUP", Reason: "startup", Count: 1}}},
		}},
		SyncGroups: []status.SyncGroup{{Name: "G1", State: "MASTER", Members: []string{"VI_1"}}},
		Peers:      []status.Peer{{Instance: "VI_6", Addr: "fe80::2", Priority: 200, AdvertInt: ms(100), LastAdvert: t0.Add(89 * time.Second)}},
		VirtualServers: []status.VirtualServer{{
			Key: "TCP 192.0.2.100:80", Protocol: "TCP", Addr: "192.0.2.100", Port: 80, Scheduler: "wrr", Quorum: true,
			Reals: []status.RealServer{
				real("192.0.2.21", 3, true, 2100),
				real("192.0.2.22", 1, false, 0),
			},
			Stats: status.IPVSStats{Conns: 120, InPkts: 1000, OutPkts: 900, InBytes: 64000, OutBytes: 1200000},
		}},
		Interfaces:  []status.Interface{{Name: "eth0", Family: "inet", Drops: map[string]uint64{"vrid": 4}}},
		ReloadStats: status.ReloadStats{Total: 1, LastSuccess: t0.Add(60 * time.Second)},
		Reconcile:   status.ReconcileStats{Ops: map[string]uint64{"add-service": 1, "add-dest": 2, "update-dest": 1}},
		Reloads: []status.Reload{{At: t0.Add(60 * time.Second), ConfigHash: "5d41402abc4b2a76b9719d911017c592ae6f1c2e0c3a1d6f0e7e8e9b1a2c3d4e",
			Result: "applied", Changes: []status.Change{{Kind: "vip", Op: "add", Object: "192.0.2.100/24", Parent: "VI_1"}}}},
	}
}

func real(addr string, weight int, up bool, latencyUS int) status.RealServer {
	cur, res := weight, "HTTP 200"
	if !up {
		cur, res = 0, "connection refused"
	}
	results := map[string]uint64{"up": 30}
	if !up {
		results = map[string]uint64{"up": 10, "refused": 20}
	}
	return status.RealServer{Key: addr + ":80", Addr: addr, Port: 80, WeightConfigured: weight, WeightCurrent: cur,
		Healthy: up, Checkers: []status.Checker{{Kind: "HTTP_GET", At: "keepalived.conf:40", Up: up, LastResult: res,
			LastLatency: status.Duration(time.Duration(latencyUS) * time.Microsecond), LastCheck: t0.Add(88 * time.Second), Results: results}},
		Stats: status.IPVSStats{Conns: 60, InPkts: 500, OutPkts: 450, InBytes: 32000, OutBytes: 600000}}
}

// Snapshot returns a copy of the current snapshot.
func (f *Fake) Snapshot(ctx context.Context) (status.Daemon, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.D, ctx.Err()
}

// Drain sets the real server's current weight to 0 (on) or back to the
// configured one.
func (f *Fake) Drain(_ context.Context, vs, rs string, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, fmt.Sprintf("drain=%v %s %s", on, vs, rs))
	for i := range f.D.VirtualServers {
		v := &f.D.VirtualServers[i]
		if v.Key != vs {
			continue
		}
		for j := range v.Reals {
			r := &v.Reals[j]
			if r.Key == rs {
				r.Drained, r.WeightCurrent = on, r.WeightConfigured
				if on {
					r.WeightCurrent = 0
				}
				return nil
			}
		}
		return fmt.Errorf("real server %s of %s: %w", rs, vs, control.ErrNotFound)
	}
	return fmt.Errorf("virtual server %s: %w", vs, control.ErrNotFound)
}

// Maintenance marks the instance; a master becomes BACKUP.
func (f *Fake) Maintenance(_ context.Context, name string, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, fmt.Sprintf("maintenance=%v %s", on, name))
	for i := range f.D.Instances {
		in := &f.D.Instances[i]
		if in.Name == name {
			in.Maintenance = on
			if on && in.State == "MASTER" {
				in.State = "BACKUP"
			}
			return nil
		}
	}
	return fmt.Errorf("vrrp_instance %s: %w", name, control.ErrNotFound)
}

// Reload appends an "unchanged" entry to the history.
func (f *Fake) Reload(context.Context) (status.Reload, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, "reload")
	r := status.Reload{At: t0.Add(120 * time.Second), ConfigHash: f.D.ConfigHash, Result: "unchanged", Changes: []status.Change{}}
	f.D.Reloads = append(f.D.Reloads, r)
	return r, nil
}

// Plan returns PlanResult.
func (f *Fake) Plan(_ context.Context, file string) (status.Plan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, "plan "+file)
	return f.PlanResult, nil
}
