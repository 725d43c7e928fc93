package bgptest

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/server"

	"github.com/govrrpd/govrrpd/bgp"
)

// Loopback addresses: the director speaks from 127.0.0.1, routers listen
// on 127.0.0.2, 127.0.0.3, … (Linux answers all of 127/8).
var (
	Director = netip.MustParseAddr("127.0.0.1")
	VIP      = netip.MustParsePrefix("192.0.2.200/32")
	VS       = bgp.Condition{Kind: bgp.VirtualServerQuorum, Protocol: "TCP", Addr: netip.MustParseAddrPort("192.0.2.200:80")}
	IPv4     = &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST}
)

const (
	DirectorAS = 65001
	RouterAS   = 65000
	// Patience bounds every wait: generous, for a loaded 2-core machine.
	Patience = 60 * time.Second
)

// Log is a test's logger: stderr under -v, nothing otherwise.
func Log(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

// Router is a plain GoBGP server with the director as its passive peer.
type Router struct {
	Srv  *server.BgpServer
	Addr netip.Addr
	Port uint16
}

func freePort(t testing.TB, ip netip.Addr) uint16 {
	t.Helper()
	l, err := net.Listen("tcp", netip.AddrPortFrom(ip, 0).String())
	if err != nil {
		t.Skipf("loopback %s not usable: %v", ip, err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port)
}

// NewRouter starts a router on addr, stopped when the test ends. opts
// are GoBGP's; without a logger it logs warnings and worse.
func NewRouter(t testing.TB, addr string, opts ...server.ServerOption) *Router {
	t.Helper()
	ip := netip.MustParseAddr(addr)
	r := &Router{Addr: ip, Port: freePort(t, ip)}
	if len(opts) == 0 {
		l := gobgplog.NewDefaultLogger()
		l.SetLevel(gobgplog.WarnLevel)
		opts = []server.ServerOption{server.LoggerOption(l)}
	}
	r.Srv = server.NewBgpServer(opts...)
	go r.Srv.Serve()
	ctx := context.Background()
	if err := r.Srv.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{Asn: RouterAS, RouterId: addr,
		ListenPort: int32(r.Port), ListenAddresses: []string{addr}}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Srv.AddPeer(ctx, &api.AddPeerRequest{Peer: &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: Director.String(), PeerAsn: DirectorAS},
		Timers:    &api.Timers{Config: &api.TimersConfig{HoldTime: 9, KeepaliveInterval: 3}},
		Transport: &api.Transport{PassiveMode: true},
	}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Srv.Stop)
	return r
}

// Neighbor is the router as the director's settings name it.
func (r *Router) Neighbor() bgp.Neighbor {
	return bgp.Neighbor{Address: r.Addr, AS: RouterAS, Port: r.Port, HoldTime: 9 * time.Second,
		Keepalive: 3 * time.Second, LocalAddress: Director}
}

// Paths returns the router's paths for prefix p.
func (r *Router) Paths(t testing.TB, p netip.Prefix) []*api.Path {
	t.Helper()
	var out []*api.Path
	err := r.Srv.ListPath(context.Background(), &api.ListPathRequest{TableType: api.TableType_GLOBAL, Family: IPv4,
		Prefixes: []*api.TableLookupPrefix{{Prefix: p.String()}}}, func(d *api.Destination) { out = append(out, d.Paths...) })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Peer returns the router's view of the director's session.
func (r *Router) Peer(t testing.TB) *api.Peer {
	t.Helper()
	var out *api.Peer
	if err := r.Srv.ListPeer(context.Background(), &api.ListPeerRequest{Address: Director.String()},
		func(p *api.Peer) { out = p }); err != nil {
		t.Fatal(err)
	}
	return out
}

// WaitEstablished waits for the director's session.
func (r *Router) WaitEstablished(t testing.TB) {
	t.Helper()
	WaitFor(t, "the session to "+r.Addr.String(), func() bool {
		p := r.Peer(t)
		return p != nil && p.State.SessionState == api.PeerState_ESTABLISHED
	})
}

// WaitFor polls f until it holds, failing the test after Patience.
func WaitFor(t testing.TB, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(Patience)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Config is the director's settings: AS 65001, one announcement of VIP
// while VS has quorum, the routers ns as neighbours.
func Config(ns ...bgp.Neighbor) *bgp.Config {
	return &bgp.Config{LocalAS: DirectorAS, RouterID: netip.MustParseAddr("192.0.2.11"), ShutdownGrace: 5 * time.Second,
		Neighbors: ns, Announces: []bgp.Announce{{Prefix: VIP, Conditions: []bgp.Condition{VS}}}}
}

// Quorum is the conditions' inputs with VS's quorum as given.
func Quorum(q bool) bgp.State {
	return bgp.State{Quorum: map[string]bool{VS.Key(): q}}
}
