package bgpspeaker

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	api "github.com/osrg/gobgp/v3/api"

	"github.com/govrrpd/govrrpd/internal/status"
)

// Status is what operators see: each session as GoBGP reports it, and each
// announcement with its conditions as last judged. It never carries a
// password.
func (s *Speaker) Status(ctx context.Context) (status.BGP, error) {
	s.mu.Lock()
	if s.cfg == nil || s.srv == nil {
		s.mu.Unlock()
		return status.BGP{}, fmt.Errorf("bgp: not running")
	}
	out := status.BGP{LocalAS: s.cfg.LocalAS, RouterID: s.cfg.RouterID.String(),
		Neighbors: []status.BGPNeighbor{}, Announcements: make([]status.BGPAnnouncement, 0, len(s.routes))}
	for _, r := range s.routes {
		a := status.BGPAnnouncement{Prefix: r.ann.Prefix.String(), Announced: r.announced, Since: r.since,
			At: r.ann.Pos.String(), Conditions: make([]status.BGPCondition, 0, len(r.ann.Conditions))}
		for _, c := range r.ann.Conditions {
			a.Conditions = append(a.Conditions, status.BGPCondition{Condition: c.String(), Holds: s.last.Holds(c)})
		}
		out.Announcements = append(out.Announcements, a)
	}
	srv := s.srv
	peers := make(map[string]bool, len(s.peers))
	for a := range s.peers {
		peers[a.String()] = true
	}
	s.mu.Unlock()
	now := time.Now()
	err := srv.ListPeer(ctx, &api.ListPeerRequest{EnableAdvertised: true}, func(p *api.Peer) {
		if p.State == nil || !peers[p.State.NeighborAddress] {
			return
		}
		out.Neighbors = append(out.Neighbors, neighborStatus(p, now))
	})
	if err != nil {
		return out, fmt.Errorf("bgp: list peers: %w", err)
	}
	slices.SortFunc(out.Neighbors, func(a, b status.BGPNeighbor) int {
		x, _ := netip.ParseAddr(a.Addr)
		y, _ := netip.ParseAddr(b.Addr)
		return x.Compare(y)
	})
	return out, nil
}

func neighborStatus(p *api.Peer, now time.Time) status.BGPNeighbor {
	n := status.BGPNeighbor{Addr: p.State.NeighborAddress, AS: p.State.PeerAsn,
		State: p.State.SessionState.String()}
	if t := p.Timers.GetState(); t != nil {
		if t.Uptime != nil && t.Uptime.Seconds > 0 {
			n.Since = t.Uptime.AsTime()
		}
		if p.State.SessionState == api.PeerState_ESTABLISHED {
			n.HoldTime = status.Duration(time.Duration(t.NegotiatedHoldTime) * time.Second)
			if !n.Since.IsZero() {
				n.Uptime = status.Duration(now.Sub(n.Since).Truncate(time.Second))
			}
		}
	}
	for _, af := range p.AfiSafis {
		if st := af.GetState(); st != nil {
			n.PrefixesSent += st.Advertised
			n.PrefixesReceived += st.Received
		}
	}
	return n
}
