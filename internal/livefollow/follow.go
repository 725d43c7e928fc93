package livefollow

import (
	"context"
	"net/netip"
	"strconv"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// Row is what the console's page shows of an instance or real server,
// cell name to text; a nil Row in a sample removes the row.
type Row map[string]string

// Transition is one timeline entry.
type Transition struct {
	At       time.Time
	Instance string
	From, To string
	Reason   string
}

// Source is the daemon as a Follower reads it: its snapshot, and when it
// has one (LiveSource) the cheap read of the changing fields.
type Source interface {
	Snapshot(ctx context.Context) (status.Daemon, error)
}

// LiveSource is what the daemon offers beyond Snapshot: a read of the
// changing fields into a reused buffer (status.Live). A source without it
// is followed through Snapshot.
type LiveSource interface {
	Live(ctx context.Context, buf []status.LiveInstance) (status.Live, error)
}

// Follower is what the last sample saw, so that a tick builds rows (and
// allocates) only for what changed: at 4,080 steady instances a tick
// allocates nothing. One goroutine at a time samples it.
type Follower struct {
	tick    uint64
	buf     []status.LiveInstance
	started bool
	hash    string
	reloads uint64
	inst    map[string]seenInstance
	real    map[string]seenReal
}

type seenInstance struct {
	li   status.LiveInstance
	tick uint64
}

// seenReal is the part of a real server its row shows.
type seenReal struct {
	healthy, drained bool
	weight           int
	conns            uint64
	tick             uint64
}

// live reads the daemon through Live when it can.
func (f *Follower) live(ctx context.Context, b Source) (status.Live, error) {
	if lb, ok := b.(LiveSource); ok {
		l, err := lb.Live(ctx, f.buf)
		if err != nil {
			f.buf = nil // the daemon may still write into it
			return l, err
		}
		f.buf = l.Instances
		return l, nil
	}
	d, err := b.Snapshot(ctx)
	if err != nil {
		return status.Live{}, err
	}
	return liveOf(d), nil
}

// liveOf is a Snapshot's live part, for backends without Live.
func liveOf(d status.Daemon) status.Live {
	l := status.Live{ConfigHash: d.ConfigHash, ReloadStats: d.ReloadStats, VirtualServers: d.VirtualServers}
	for _, in := range d.Instances {
		a, _ := netip.ParseAddr(in.MasterAddr)
		l.Instances = append(l.Instances, status.LiveInstance{Name: in.Name, State: in.State, EffectivePriority: in.EffectivePriority,
			MasterAddr: a, Maintenance: in.Maintenance, LastTransition: in.LastTransition, LastReason: in.LastReason})
	}
	return l
}

// Sample reads b and returns the rows that changed since the last sample
// (all of them the first time; a removed row maps to nil) and the state
// transitions between the two.
func (f *Follower) Sample(ctx context.Context, b Source) (map[string]Row, []Transition, error) {
	l, err := f.live(ctx, b)
	if err != nil {
		return nil, nil, err
	}
	if f.inst == nil {
		f.inst, f.real = map[string]seenInstance{}, map[string]seenReal{}
	}
	f.tick++
	var out map[string]Row
	put := func(id string, r Row) {
		if out == nil {
			out = map[string]Row{}
		}
		out[id] = r
	}
	if !f.started || l.ConfigHash != f.hash || l.ReloadStats.Total != f.reloads {
		f.started, f.hash, f.reloads = true, l.ConfigHash, l.ReloadStats.Total
		put("daemon", Row{"hash": l.ConfigHash, "reloads": strconv.FormatUint(l.ReloadStats.Total, 10)})
	}
	var trans []Transition
	for _, li := range l.Instances {
		p, ok := f.inst[li.Name]
		if !ok || p.li != li {
			put("i-"+li.Name, instanceRow(li))
			if ok && p.li.State != li.State {
				trans = append(trans, Transition{At: li.LastTransition, Instance: li.Name, From: p.li.State, To: li.State, Reason: li.LastReason})
			}
		}
		f.inst[li.Name] = seenInstance{li, f.tick}
	}
	for name, s := range f.inst {
		if s.tick != f.tick {
			delete(f.inst, name)
			put("i-"+name, nil)
		}
	}
	for _, vs := range l.VirtualServers {
		for _, rs := range vs.Reals {
			id := "r-" + vs.Key + "|" + rs.Key
			s := seenReal{rs.Healthy, rs.Drained, rs.WeightCurrent, rs.Stats.Conns, f.tick}
			if p, ok := f.real[id]; !ok || p.healthy != s.healthy || p.drained != s.drained || p.weight != s.weight || p.conns != s.conns {
				put(id, realRow(rs))
			}
			f.real[id] = s
		}
	}
	for id, s := range f.real {
		if s.tick != f.tick {
			delete(f.real, id)
			put(id, nil)
		}
	}
	return out, trans, nil
}

func instanceRow(li status.LiveInstance) Row {
	master := ""
	if li.MasterAddr.IsValid() {
		master = li.MasterAddr.String()
	}
	return Row{"state": li.State, "eprio": strconv.Itoa(li.EffectivePriority), "master": master, "maint": strconv.FormatBool(li.Maintenance)}
}

func realRow(rs status.RealServer) Row {
	h := "down"
	if rs.Healthy {
		h = "up"
	}
	if rs.Drained {
		h += ", drained"
	}
	return Row{"health": h, "weight": strconv.Itoa(rs.WeightCurrent), "conns": strconv.FormatUint(rs.Stats.Conns, 10)}
}
