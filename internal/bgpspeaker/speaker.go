package bgpspeaker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/server"

	"github.com/govrrpd/govrrpd/bgp"
)

// Options configure a Speaker.
type Options struct {
	Log *slog.Logger
	// State reads the conditions' inputs: the LVS subsystem's quorum and
	// the VRRP instances' states. An error keeps every announcement as it
	// is (a daemon that is stopping or busy does not flap its routes).
	State func(ctx context.Context) (bgp.State, error)
	// Interval is how often State is read (default 250 ms): a quorum lost
	// is withdrawn within a checker's verdict plus this.
	Interval time.Duration
}

// DefaultInterval is how often the conditions are read.
const DefaultInterval = 250 * time.Millisecond

// Speaker owns one GoBGP server and the announcements of one --bgp-config.
type Speaker struct {
	opts Options
	log  *slog.Logger

	mu     sync.Mutex // guards the fields below
	srv    *server.BgpServer
	cfg    *bgp.Config
	routes []*route
	peers  map[netip.Addr]*peerInfo
	last   bgp.State // the conditions' inputs as last read

	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// route is one announcement and whether it is on the wire.
type route struct {
	ann       bgp.Announce
	announced bool
	since     time.Time // of the last change
	// why is the first condition that does not hold ("" when announced
	// or never evaluated).
	why string
}

// peerInfo is what the speaker remembers of a neighbour across reloads.
type peerInfo struct {
	n bgp.Neighbor
}

// New returns a speaker that does nothing until Start.
func New(opts Options) *Speaker {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	return &Speaker{opts: opts, log: opts.Log.With("subsystem", "bgp")}
}

// Start runs GoBGP with cfg's identity and neighbours and starts judging
// the announcements. An error leaves nothing running.
func (s *Speaker) Start(ctx context.Context, cfg *bgp.Config) error {
	srv := server.NewBgpServer(server.LoggerOption(&slogAdapter{log: s.log, level: gobgplog.InfoLevel}))
	go srv.Serve()
	if err := srv.StartBgp(ctx, &api.StartBgpRequest{Global: globalOf(cfg)}); err != nil {
		srv.Stop()
		return fmt.Errorf("bgp: start AS %d router-id %s: %w", cfg.LocalAS, cfg.RouterID, err)
	}
	s.mu.Lock()
	s.srv, s.cfg, s.peers, s.routes = srv, cfg, map[netip.Addr]*peerInfo{}, nil
	for _, n := range cfg.Neighbors {
		if err := s.addPeer(ctx, n); err != nil {
			s.mu.Unlock()
			srv.Stop()
			return err
		}
	}
	for _, a := range cfg.Announces {
		s.routes = append(s.routes, &route{ann: a})
	}
	s.mu.Unlock()
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.kick, s.cancel, s.done = make(chan struct{}, 1), cancel, make(chan struct{})
	go s.loop(lctx)
	s.log.Info("BGP started", "as", cfg.LocalAS, "router_id", cfg.RouterID, "neighbors", len(cfg.Neighbors),
		"announcements", len(cfg.Announces))
	return nil
}

// addPeer runs with s.mu held.
func (s *Speaker) addPeer(ctx context.Context, n bgp.Neighbor) error {
	if err := s.srv.AddPeer(ctx, &api.AddPeerRequest{Peer: peerOf(n)}); err != nil {
		return fmt.Errorf("bgp neighbor %s (%s): %w", n.Address, n.Pos, err)
	}
	s.peers[n.Address] = &peerInfo{n: n}
	return nil
}

func (s *Speaker) delPeer(ctx context.Context, a netip.Addr) error {
	delete(s.peers, a)
	if err := s.srv.DeletePeer(ctx, &api.DeletePeerRequest{Address: a.String()}); err != nil {
		return fmt.Errorf("bgp neighbor %s: remove: %w", a, err)
	}
	return nil
}

// SetState gives the speaker its conditions' source once the daemon that
// answers it runs; until then every announcement waits.
func (s *Speaker) SetState(f func(ctx context.Context) (bgp.State, error)) {
	s.mu.Lock()
	s.opts.State = f
	s.mu.Unlock()
	s.Kick()
}

// NeedsInstances says whether the running announcements watch a VRRP
// instance (bgp.Config.NeedsInstances).
func (s *Speaker) NeedsInstances() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg != nil && s.cfg.NeedsInstances()
}

// Kick makes the speaker read the conditions now rather than at the next
// interval.
func (s *Speaker) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Speaker) loop(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		s.evaluate(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

// evaluate announces what the conditions allow and withdraws the rest.
func (s *Speaker) evaluate(ctx context.Context) {
	s.mu.Lock()
	state := s.opts.State
	s.mu.Unlock()
	if state == nil {
		return
	}
	st, err := state(ctx)
	if err != nil {
		s.log.Debug("BGP conditions not read; announcements kept", "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = st
	for _, r := range s.routes {
		why := failing(st, r.ann)
		r.why = why
		switch {
		case why == "" && !r.announced:
			if err := s.announce(ctx, r.ann); err != nil {
				s.log.Error("BGP announce", "prefix", r.ann.Prefix, "err", err)
				continue
			}
			r.announced, r.since = true, time.Now()
			s.log.Info("BGP announce", "prefix", r.ann.Prefix, "at", r.ann.Pos)
		case why != "" && r.announced:
			if err := s.withdraw(ctx, r.ann); err != nil {
				s.log.Error("BGP withdraw", "prefix", r.ann.Prefix, "err", err)
				continue
			}
			r.announced, r.since = false, time.Now()
			s.log.Warn("BGP withdraw", "prefix", r.ann.Prefix, "because", why, "at", r.ann.Pos)
		}
	}
}

// failing names the first condition of a that does not hold in st.
func failing(st bgp.State, a bgp.Announce) string {
	for _, c := range a.Conditions {
		if !st.Holds(c) {
			return "not: " + c.String()
		}
	}
	return ""
}

func (s *Speaker) announce(ctx context.Context, a bgp.Announce) error {
	p, err := pathOf(a, s.cfg.LocalAS)
	if err != nil {
		return err
	}
	_, err = s.srv.AddPath(ctx, &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: p})
	return err
}

func (s *Speaker) withdraw(ctx context.Context, a bgp.Announce) error {
	p, err := pathOf(a, s.cfg.LocalAS)
	if err != nil {
		return err
	}
	return s.srv.DeletePath(ctx, &api.DeletePathRequest{TableType: api.TableType_GLOBAL, Family: ipv4Unicast, Path: p})
}

// Stop withdraws every announcement, waits until each established peer
// that had them has been sent the withdrawal (at most the file's
// shutdown_grace), and stops GoBGP. The daemon calls it before it lets the
// IPVS table go, so flows the routers still send here are served until
// they move.
func (s *Speaker) Stop(ctx context.Context) {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
	s.mu.Lock()
	srv, grace := s.srv, s.cfg.ShutdownGrace
	before, err := sentUpdates(ctx, srv, true)
	if err != nil {
		s.log.Warn("BGP peers not listed before the withdrawal", "err", err)
	}
	n := 0
	for _, r := range s.routes {
		if r.announced {
			if err := s.withdraw(ctx, r.ann); err != nil {
				s.log.Error("BGP withdraw", "prefix", r.ann.Prefix, "err", err)
			}
			r.announced, r.why = false, "stopping"
			n++
		}
	}
	s.mu.Unlock()
	start := time.Now()
	if n > 0 {
		if err := waitSent(ctx, srv, before, grace); err != nil {
			s.log.Warn("BGP peers were not sent the withdrawal in time", "grace", grace, "err", err)
		} else {
			s.log.Info("BGP withdrawn before stop", "prefixes", n, "took", time.Since(start).Round(time.Millisecond))
		}
	}
	srv.Stop()
	s.cancel = nil
}

// errNotSent is waitSent's answer when the grace ran out.
var errNotSent = errors.New("a peer has not been sent the withdrawal")

// sentUpdates returns, for each established peer (with advertised, only
// those that were sent some of our prefixes), how many UPDATEs GoBGP has
// written to it so far.
func sentUpdates(ctx context.Context, srv *server.BgpServer, advertised bool) (map[string]uint64, error) {
	out := map[string]uint64{}
	err := srv.ListPeer(ctx, &api.ListPeerRequest{EnableAdvertised: advertised}, func(p *api.Peer) {
		if p.State == nil || p.State.SessionState != api.PeerState_ESTABLISHED || p.State.Messages == nil {
			return
		}
		adv := uint64(0)
		for _, af := range p.AfiSafis {
			if af.State != nil {
				adv += af.State.Advertised
			}
		}
		if advertised && adv == 0 {
			return
		}
		out[p.State.NeighborAddress] = p.State.Messages.Sent.Update
	})
	if err != nil {
		return nil, fmt.Errorf("bgp: list peers: %w", err)
	}
	return out, nil
}

// waitSent waits until every peer of before that is still established has
// been written a further UPDATE (GoBGP counts a message once it is on the
// socket), which TCP delivers ahead of the NOTIFICATION that ends the
// session.
func waitSent(ctx context.Context, srv *server.BgpServer, before map[string]uint64, grace time.Duration) error {
	deadline := time.Now().Add(grace)
	for {
		now, err := sentUpdates(ctx, srv, false)
		if err != nil {
			return err
		}
		pending := 0
		for a, n := range before {
			if m, up := now[a]; up && m <= n {
				pending++
			}
		}
		switch {
		case pending == 0:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("%w (%d peers)", errNotSent, pending)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
