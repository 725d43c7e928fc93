package bgpspeaker

import (
	"fmt"
	"slices"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/govrrpd/govrrpd/bgp"
)

// connectRetry is how soon a director calls a router again after a failed
// connection: a router that restarts is back in seconds, not GoBGP's
// default two minutes.
const connectRetry = 3 * time.Second

var ipv4Unicast = &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST}

func globalOf(c *bgp.Config) *api.Global {
	g := &api.Global{Asn: c.LocalAS, RouterId: c.RouterID.String(), ListenPort: -1}
	if c.ListenPort != 0 {
		g.ListenPort = int32(c.ListenPort)
		if c.ListenAddress.IsValid() {
			g.ListenAddresses = []string{c.ListenAddress.String()}
		}
	}
	return g
}

func peerOf(n bgp.Neighbor) *api.Peer {
	p := &api.Peer{
		Conf: &api.PeerConf{NeighborAddress: n.Address.String(), PeerAsn: n.AS, AuthPassword: n.Password},
		Timers: &api.Timers{Config: &api.TimersConfig{HoldTime: uint64(n.HoldTime / time.Second),
			KeepaliveInterval: uint64(n.Keepalive / time.Second), ConnectRetry: uint64(connectRetry / time.Second)}},
		Transport: &api.Transport{PassiveMode: n.Passive, RemotePort: uint32(n.Port)},
		AfiSafis:  []*api.AfiSafi{{Config: &api.AfiSafiConfig{Family: ipv4Unicast, Enabled: true}}},
	}
	if n.LocalAddress.IsValid() {
		p.Transport.LocalAddress = n.LocalAddress.String()
	}
	if n.Multihop > 0 {
		p.EbgpMultihop = &api.EbgpMultihop{Enabled: true, MultihopTtl: uint32(n.Multihop)}
	}
	return p
}

// pathOf is an announcement as GoBGP's API takes it. The next hop is left
// unspecified so that GoBGP puts the session's own address there: each
// director is its own next hop, which is what ECMP spreads over.
func pathOf(a bgp.Announce, localAS uint32) (*api.Path, error) {
	nlri, err := anypb.New(&api.IPAddressPrefix{Prefix: a.Prefix.Addr().String(), PrefixLen: uint32(a.Prefix.Bits())})
	if err != nil {
		return nil, fmt.Errorf("bgp announce %s: %w", a.Prefix, err)
	}
	attrs := []proto.Message{
		&api.OriginAttribute{Origin: 0}, // IGP
		&api.NextHopAttribute{NextHop: "0.0.0.0"},
	}
	if a.Prepend > 0 {
		// GoBGP adds the local AS once on export to an eBGP peer; these
		// are the extra copies.
		attrs = append(attrs, &api.AsPathAttribute{Segments: []*api.AsSegment{{Type: api.AsSegment_AS_SEQUENCE,
			Numbers: slices.Repeat([]uint32{localAS}, int(a.Prepend))}}})
	}
	if a.HasMED {
		attrs = append(attrs, &api.MultiExitDiscAttribute{Med: a.MED})
	}
	if len(a.Communities) > 0 {
		attrs = append(attrs, &api.CommunitiesAttribute{Communities: a.Communities})
	}
	p := &api.Path{Family: ipv4Unicast, Nlri: nlri}
	for _, m := range attrs {
		x, err := anypb.New(m)
		if err != nil {
			return nil, fmt.Errorf("bgp announce %s: %w", a.Prefix, err)
		}
		p.Pattrs = append(p.Pattrs, x)
	}
	return p, nil
}
