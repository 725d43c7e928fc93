package bgpspeaker

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/server"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/internal/bgpspeaker/bgptest"
)

var (
	director = bgptest.Director
	vip      = bgptest.VIP
	vs       = bgptest.VS
	waitFor  = bgptest.WaitFor
	config   = bgptest.Config
	testLog  = bgptest.Log
)

const (
	directorAS = bgptest.DirectorAS
	routerAS   = bgptest.RouterAS
)

func newRouter(t *testing.T, addr string) *bgptest.Router {
	return bgptest.NewRouter(t, addr, server.LoggerOption(&slogAdapter{log: testLog(t), level: gobgplog.WarnLevel}))
}

// conditions is a State the test sets.
type conditions struct {
	mu     sync.Mutex
	quorum bool
	reads  int
}

func (c *conditions) set(q bool) {
	c.mu.Lock()
	c.quorum = q
	c.mu.Unlock()
}

func (c *conditions) state(context.Context) (bgp.State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	return bgp.State{Quorum: map[string]bool{vs.Key(): c.quorum}}, nil
}

func (c *conditions) readsSoFar() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads
}

func startSpeaker(t *testing.T, c *conditions, cfg *bgp.Config) *Speaker {
	t.Helper()
	s := New(Options{Log: testLog(t), State: c.state, Interval: 20 * time.Millisecond})
	if err := s.Start(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop(context.Background()) })
	return s
}

func TestAnnounceFollowsQuorum(t *testing.T) {
	r := newRouter(t, "127.0.0.2")
	c := &conditions{}
	s := startSpeaker(t, c, config(r.Neighbor()))
	r.WaitEstablished(t)
	// Several evaluations with the session up and no quorum: nothing.
	n := c.readsSoFar()
	waitFor(t, "three evaluations", func() bool { return c.readsSoFar() >= n+3 })
	if p := r.Paths(t, vip); len(p) != 0 {
		t.Fatalf("announced without quorum: %v", p)
	}
	c.set(true)
	waitFor(t, "the announcement", func() bool { return len(r.Paths(t, vip)) == 1 })
	waitFor(t, "the status to show it sent", func() bool {
		st, err := s.Status(context.Background())
		return err == nil && len(st.Neighbors) == 1 && st.Neighbors[0].PrefixesSent == 1
	})
	st, _ := s.Status(context.Background())
	if n := st.Neighbors[0]; n.State != "ESTABLISHED" || n.Addr != "127.0.0.2" || n.AS != routerAS || n.HoldTime == 0 {
		t.Errorf("neighbour status %+v", n)
	}
	if a := st.Announcements[0]; !a.Announced || a.Prefix != vip.String() || len(a.Conditions) != 1 || !a.Conditions[0].Holds {
		t.Errorf("announcement status %+v", a)
	}
	c.set(false)
	waitFor(t, "the withdrawal", func() bool { return len(r.Paths(t, vip)) == 0 })
	st, _ = s.Status(context.Background())
	if a := st.Announcements[0]; a.Announced || a.Conditions[0].Holds {
		t.Errorf("announcement status after the withdrawal %+v", a)
	}
	if p := r.Peer(t); p.State.SessionState != api.PeerState_ESTABLISHED {
		t.Errorf("the withdrawal reset the session: %v", p.State.SessionState)
	}
}

func TestStopWithdrawsFirst(t *testing.T) {
	r := newRouter(t, "127.0.0.2")
	c := &conditions{quorum: true}
	s := startSpeaker(t, c, config(r.Neighbor()))
	waitFor(t, "the announcement", func() bool { return len(r.Paths(t, vip)) == 1 })
	s.Stop(context.Background())
	// The router must have received the withdrawal as an UPDATE, not just
	// lost the routes with the session.
	waitFor(t, "the router to see the session end", func() bool {
		return r.Peer(t).State.Messages.Received.Notification > 0
	})
	p := r.Peer(t)
	if got := p.State.Messages.Received.Update; got != 2 {
		t.Errorf("UPDATEs received before the session ended = %d, want 2: the announcement and its withdrawal (%v)",
			got, p.State.Messages.Received)
	}
	waitFor(t, "the route to go", func() bool { return len(r.Paths(t, vip)) == 0 })
}

func TestAttributes(t *testing.T) {
	r := newRouter(t, "127.0.0.2")
	cfg := config(r.Neighbor())
	cfg.Announces[0].MED, cfg.Announces[0].HasMED, cfg.Announces[0].Prepend = 20, true, 2
	cfg.Announces[0].Communities = []uint32{65000<<16 | 100}
	startSpeaker(t, &conditions{quorum: true}, cfg)
	waitFor(t, "the announcement", func() bool { return len(r.Paths(t, vip)) == 1 })
	var asPath []uint32
	var med uint32
	var comms []uint32
	nh := ""
	for _, a := range r.Paths(t, vip)[0].Pattrs {
		m, err := a.UnmarshalNew()
		if err != nil {
			t.Fatal(err)
		}
		switch x := m.(type) {
		case *api.AsPathAttribute:
			for _, s := range x.Segments {
				asPath = append(asPath, s.Numbers...)
			}
		case *api.MultiExitDiscAttribute:
			med = x.Med
		case *api.CommunitiesAttribute:
			comms = x.Communities
		case *api.NextHopAttribute:
			nh = x.NextHop
		}
	}
	if len(asPath) != 3 || asPath[0] != directorAS || asPath[2] != directorAS {
		t.Errorf("AS path %v, want %d three times", asPath, directorAS)
	}
	if med != 20 || len(comms) != 1 || comms[0] != 65000<<16|100 {
		t.Errorf("MED %d communities %v", med, comms)
	}
	if nh != director.String() {
		t.Errorf("next hop %s, want the director's session address %s", nh, director)
	}
}

func TestReloadLeavesUnchangedSessions(t *testing.T) {
	r1, r2 := newRouter(t, "127.0.0.2"), newRouter(t, "127.0.0.3")
	c := &conditions{quorum: true}
	s := startSpeaker(t, c, config(r1.Neighbor()))
	waitFor(t, "the announcement", func() bool { return len(r1.Paths(t, vip)) == 1 })
	up := r1.Peer(t).Timers.State.Uptime.AsTime()

	next := config(r1.Neighbor(), r2.Neighbor())
	extra := netip.MustParsePrefix("192.0.2.201/32")
	next.Announces = append(next.Announces, bgp.Announce{Prefix: extra})
	if err := s.Reload(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both prefixes at the new router", func() bool {
		return len(r2.Paths(t, vip)) == 1 && len(r2.Paths(t, extra)) == 1
	})
	waitFor(t, "the new prefix at the first router", func() bool { return len(r1.Paths(t, extra)) == 1 })
	if p := r1.Peer(t); !p.Timers.State.Uptime.AsTime().Equal(up) || p.State.Flops != 0 {
		t.Errorf("the unchanged session was reset: uptime %v → %v, flops %d", up, p.Timers.State.Uptime.AsTime(), p.State.Flops)
	}

	// Removing the first router and the condition-less prefix.
	last := config(r2.Neighbor())
	if err := s.Reload(context.Background(), last); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the extra prefix withdrawn", func() bool { return len(r2.Paths(t, extra)) == 0 })
	waitFor(t, "the first session gone", func() bool {
		p := r1.Peer(t)
		return p == nil || p.State.SessionState != api.PeerState_ESTABLISHED
	})
	if len(r2.Paths(t, vip)) != 1 {
		t.Error("the kept prefix was withdrawn by the reload")
	}
}

// The neighbour's password reaches GoBGP and nothing else: not the logs
// (GoBGP's included), not the status.
func TestPasswordStaysSecret(t *testing.T) {
	const secret = "s3cret-md5-key"
	var logs strings.Builder
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return logs.Write(p) })
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := newRouter(t, "127.0.0.2")
	n := r.Neighbor()
	n.Password = secret
	s := New(Options{Log: log, State: (&conditions{quorum: true}).state, Interval: 20 * time.Millisecond})
	if err := s.Start(context.Background(), config(n)); err != nil {
		t.Fatal(err)
	}
	var peer *api.Peer
	if err := s.srv.ListPeer(context.Background(), &api.ListPeerRequest{}, func(p *api.Peer) { peer = p }); err != nil {
		t.Fatal(err)
	}
	if peer.Conf.AuthPassword != secret {
		t.Errorf("GoBGP has password %q", peer.Conf.AuthPassword)
	}
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(st)
	n.Password = secret + "-changed"
	if err := s.Reload(context.Background(), config(n)); err != nil {
		t.Fatal(err)
	}
	s.Stop(context.Background())
	mu.Lock()
	defer mu.Unlock()
	for what, text := range map[string]string{"status": string(js), "log": logs.String()} {
		if strings.Contains(text, secret) {
			t.Errorf("the password shows in the %s:\n%s", what, text)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
