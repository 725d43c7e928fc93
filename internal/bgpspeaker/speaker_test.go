package bgpspeaker

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/server"

	"github.com/govrrpd/govrrpd/bgp"
)

// Loopback addresses: the director speaks from 127.0.0.1, the routers
// listen on 127.0.0.2 and 127.0.0.3 (Linux answers all of 127/8).
var (
	director = netip.MustParseAddr("127.0.0.1")
	vip      = netip.MustParsePrefix("192.0.2.200/32")
	vs       = bgp.Condition{Kind: bgp.VirtualServerQuorum, Protocol: "TCP", Addr: netip.MustParseAddrPort("192.0.2.200:80")}
)

const (
	directorAS = 65001
	routerAS   = 65000
	// patience bounds every wait: generous, for a loaded 2-core machine.
	patience = 60 * time.Second
)

func testLog(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

// router is a plain GoBGP server standing in for FRR or BIRD.
type router struct {
	srv  *server.BgpServer
	addr netip.Addr
	port uint16
}

func freePort(t *testing.T, ip netip.Addr) uint16 {
	t.Helper()
	l, err := net.Listen("tcp", netip.AddrPortFrom(ip, 0).String())
	if err != nil {
		t.Skipf("loopback %s not usable: %v", ip, err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port)
}

func newRouter(t *testing.T, addr string) *router {
	t.Helper()
	ip := netip.MustParseAddr(addr)
	r := &router{addr: ip, port: freePort(t, ip)}
	r.srv = server.NewBgpServer(server.LoggerOption(&slogAdapter{log: testLog(t), level: gobgplog.WarnLevel}))
	go r.srv.Serve()
	ctx := context.Background()
	if err := r.srv.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{Asn: routerAS, RouterId: addr,
		ListenPort: int32(r.port), ListenAddresses: []string{addr}}}); err != nil {
		t.Fatal(err)
	}
	if err := r.srv.AddPeer(ctx, &api.AddPeerRequest{Peer: &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: director.String(), PeerAsn: directorAS},
		Timers:    &api.Timers{Config: &api.TimersConfig{HoldTime: 9, KeepaliveInterval: 3}},
		Transport: &api.Transport{PassiveMode: true},
	}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.srv.Stop)
	return r
}

func (r *router) neighbor() bgp.Neighbor {
	return bgp.Neighbor{Address: r.addr, AS: routerAS, Port: r.port, HoldTime: 9 * time.Second,
		Keepalive: 3 * time.Second, LocalAddress: director}
}

// paths returns the router's paths for prefix p.
func (r *router) paths(t *testing.T, p netip.Prefix) []*api.Path {
	t.Helper()
	var out []*api.Path
	err := r.srv.ListPath(context.Background(), &api.ListPathRequest{TableType: api.TableType_GLOBAL, Family: ipv4Unicast,
		Prefixes: []*api.TableLookupPrefix{{Prefix: p.String()}}}, func(d *api.Destination) { out = append(out, d.Paths...) })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// peer returns the router's view of the director's session.
func (r *router) peer(t *testing.T) *api.Peer {
	t.Helper()
	var out *api.Peer
	if err := r.srv.ListPeer(context.Background(), &api.ListPeerRequest{Address: director.String()},
		func(p *api.Peer) { out = p }); err != nil {
		t.Fatal(err)
	}
	return out
}

func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *router) waitEstablished(t *testing.T) {
	waitFor(t, "the session to "+r.addr.String(), func() bool {
		p := r.peer(t)
		return p != nil && p.State.SessionState == api.PeerState_ESTABLISHED
	})
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

func config(ns ...bgp.Neighbor) *bgp.Config {
	return &bgp.Config{LocalAS: directorAS, RouterID: netip.MustParseAddr("192.0.2.11"), ShutdownGrace: 5 * time.Second,
		Neighbors: ns, Announces: []bgp.Announce{{Prefix: vip, Conditions: []bgp.Condition{vs}}}}
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
	s := startSpeaker(t, c, config(r.neighbor()))
	r.waitEstablished(t)
	// Several evaluations with the session up and no quorum: nothing.
	n := c.readsSoFar()
	waitFor(t, "three evaluations", func() bool { return c.readsSoFar() >= n+3 })
	if p := r.paths(t, vip); len(p) != 0 {
		t.Fatalf("announced without quorum: %v", p)
	}
	c.set(true)
	waitFor(t, "the announcement", func() bool { return len(r.paths(t, vip)) == 1 })
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
	waitFor(t, "the withdrawal", func() bool { return len(r.paths(t, vip)) == 0 })
	st, _ = s.Status(context.Background())
	if a := st.Announcements[0]; a.Announced || a.Conditions[0].Holds {
		t.Errorf("announcement status after the withdrawal %+v", a)
	}
	if p := r.peer(t); p.State.SessionState != api.PeerState_ESTABLISHED {
		t.Errorf("the withdrawal reset the session: %v", p.State.SessionState)
	}
}

func TestStopWithdrawsFirst(t *testing.T) {
	r := newRouter(t, "127.0.0.2")
	c := &conditions{quorum: true}
	s := startSpeaker(t, c, config(r.neighbor()))
	waitFor(t, "the announcement", func() bool { return len(r.paths(t, vip)) == 1 })
	s.Stop(context.Background())
	// The router must have received the withdrawal as an UPDATE, not just
	// lost the routes with the session.
	waitFor(t, "the router to see the session end", func() bool {
		return r.peer(t).State.Messages.Received.Notification > 0
	})
	p := r.peer(t)
	if got := p.State.Messages.Received.Update; got != 2 {
		t.Errorf("UPDATEs received before the session ended = %d, want 2: the announcement and its withdrawal (%v)",
			got, p.State.Messages.Received)
	}
	waitFor(t, "the route to go", func() bool { return len(r.paths(t, vip)) == 0 })
}

func TestAttributes(t *testing.T) {
	r := newRouter(t, "127.0.0.2")
	cfg := config(r.neighbor())
	cfg.Announces[0].MED, cfg.Announces[0].HasMED, cfg.Announces[0].Prepend = 20, true, 2
	cfg.Announces[0].Communities = []uint32{65000<<16 | 100}
	startSpeaker(t, &conditions{quorum: true}, cfg)
	waitFor(t, "the announcement", func() bool { return len(r.paths(t, vip)) == 1 })
	var asPath []uint32
	var med uint32
	var comms []uint32
	nh := ""
	for _, a := range r.paths(t, vip)[0].Pattrs {
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
	s := startSpeaker(t, c, config(r1.neighbor()))
	waitFor(t, "the announcement", func() bool { return len(r1.paths(t, vip)) == 1 })
	up := r1.peer(t).Timers.State.Uptime.AsTime()

	next := config(r1.neighbor(), r2.neighbor())
	extra := netip.MustParsePrefix("192.0.2.201/32")
	next.Announces = append(next.Announces, bgp.Announce{Prefix: extra})
	if err := s.Reload(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both prefixes at the new router", func() bool {
		return len(r2.paths(t, vip)) == 1 && len(r2.paths(t, extra)) == 1
	})
	waitFor(t, "the new prefix at the first router", func() bool { return len(r1.paths(t, extra)) == 1 })
	if p := r1.peer(t); !p.Timers.State.Uptime.AsTime().Equal(up) || p.State.Flops != 0 {
		t.Errorf("the unchanged session was reset: uptime %v → %v, flops %d", up, p.Timers.State.Uptime.AsTime(), p.State.Flops)
	}

	// Removing the first router and the condition-less prefix.
	last := config(r2.neighbor())
	if err := s.Reload(context.Background(), last); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the extra prefix withdrawn", func() bool { return len(r2.paths(t, extra)) == 0 })
	waitFor(t, "the first session gone", func() bool {
		p := r1.peer(t)
		return p == nil || p.State.SessionState != api.PeerState_ESTABLISHED
	})
	if len(r2.paths(t, vip)) != 1 {
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
	n := r.neighbor()
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
