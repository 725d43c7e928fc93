package bgpspeaker

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/govrrpd/govrrpd/bgp"
)

// Reload moves the running speaker to cfg, which the caller has validated:
// only the neighbours and announcements that differ are touched, so
// unchanged sessions stay up and unchanged prefixes stay announced. A new
// identity (AS, router id, listener) restarts the speaker.
func (s *Speaker) Reload(ctx context.Context, cfg *bgp.Config) error {
	if s.cancel == nil {
		return s.Start(ctx, cfg)
	}
	s.mu.Lock()
	d := bgp.Compare(s.cfg, cfg)
	s.mu.Unlock()
	if d.Empty() {
		s.mu.Lock()
		s.cfg = cfg // new positions
		s.mu.Unlock()
		return nil
	}
	if d.Restart {
		s.log.Warn("BGP identity changed: every session restarts", "as", cfg.LocalAS, "router_id", cfg.RouterID)
		s.Stop(ctx)
		return s.Start(ctx, cfg)
	}
	s.mu.Lock()
	err := s.apply(ctx, d, cfg)
	s.mu.Unlock()
	s.Kick()
	s.log.Info("BGP reloaded", "neighbors_added", len(d.AddNeighbors), "neighbors_changed", len(d.ChangeNeighbors),
		"neighbors_removed", len(d.RemoveNeighbors), "announcements_added", len(d.AddAnnounces),
		"announcements_changed", len(d.ChangeAnnounces), "announcements_removed", len(d.RemoveAnnounces))
	return err
}

// apply runs with s.mu held.
func (s *Speaker) apply(ctx context.Context, d bgp.Diff, cfg *bgp.Config) error {
	var errs []error
	for _, a := range d.RemoveNeighbors {
		errs = append(errs, s.delPeer(ctx, a))
	}
	for _, n := range d.ChangeNeighbors {
		// GoBGP applies new timers, AS or password only to a new session.
		errs = append(errs, s.delPeer(ctx, n.Address), s.addPeer(ctx, n))
	}
	for _, n := range d.AddNeighbors {
		errs = append(errs, s.addPeer(ctx, n))
	}
	for _, p := range d.RemoveAnnounces {
		i := slices.IndexFunc(s.routes, func(r *route) bool { return r.ann.Prefix == p })
		if r := s.routes[i]; r.announced {
			errs = append(errs, s.withdraw(ctx, r.ann))
		}
		s.routes = slices.Delete(s.routes, i, i+1)
	}
	for _, a := range d.ChangeAnnounces {
		r := s.routes[slices.IndexFunc(s.routes, func(r *route) bool { return r.ann.Prefix == a.Prefix })]
		r.ann = a
		if r.announced {
			// The new attributes replace the old path (an implicit
			// withdrawal, RFC 4271 3.1); the next evaluation withdraws it
			// if the new conditions do not hold.
			errs = append(errs, s.announce(ctx, a))
		}
	}
	for _, a := range d.AddAnnounces {
		s.routes = append(s.routes, &route{ann: a})
	}
	s.cfg = cfg
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bgp reload: %w", err)
	}
	return nil
}
