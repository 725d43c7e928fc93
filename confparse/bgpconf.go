package confparse

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
)

// The --bgp-config file: govrrpd's own settings in keepalived.conf's
// syntax (same preprocessor, includes and tokenizer), so that
// keepalived.conf itself gains no keyword and still passes keepalived -t.
// Unlike keepalived.conf, an unknown keyword or a bad value here is an
// error: the file is govrrpd's alone, and a half-read BGP setup would
// announce the wrong thing.

// LoadBGP reads a --bgp-config file. Any diagnostic of Warning or above
// means the file must not be used (see BGPUsable).
func LoadBGP(path string, opts Options) (*bgp.Config, Diagnostics) {
	a := &analyzer{opts: opts}
	c := &bgp.Config{ShutdownGrace: bgp.DefaultShutdownGrace}
	seen := bgpSeen{neighbors: map[netip.Addr]Pos{}, prefixes: map[netip.Prefix]Pos{}}
	diags := walk(path, opts, false, func(n *Node) { bgpDispatch(a, n, bgpTop, &bgpTarget{c: c, seen: &seen}, "") })
	a.diags = append(diags, a.diags...)
	bgpFinish(a, c, seen)
	return c, a.diags
}

// BGPUsable says whether a loaded --bgp-config may run: unlike
// keepalived.conf, a warning in it refuses the file.
func BGPUsable(diags Diagnostics) bool {
	for _, d := range diags {
		if d.Severity >= Warning || d.Severity == Fatal {
			return false
		}
	}
	return true
}

type bgpSeen struct {
	bgpBlock  Pos
	neighbors map[netip.Addr]Pos
	prefixes  map[netip.Prefix]Pos
}

// bgpTarget is what a handler fills: the file's Config, and the neighbour
// or announcement of the block being read.
type bgpTarget struct {
	c    *bgp.Config
	seen *bgpSeen
	nb   *bgp.Neighbor
	an   *bgp.Announce
}

type bgpHandler func(a *analyzer, n *Node, t *bgpTarget)

// bgpDispatch is dispatch without keepalived's leniency: an unknown
// keyword or block is an error.
func bgpDispatch(a *analyzer, n *Node, tbl map[string]bgpHandler, t *bgpTarget, where string) {
	h, ok := tbl[n.Key]
	if !ok {
		msg := fmt.Sprintf("unknown keyword '%s'", n.Key)
		if where != "" {
			msg += " in " + where
		}
		a.warnf(n.Pos, "%s", msg)
		return
	}
	switch blk := bgpBlocks[n.Key]; {
	case n.Block && blk == noBlock:
		a.warnf(n.Pos, "'%s' takes no block", n.Key)
		return
	case !n.Block && blk == needsBlock:
		a.warnf(n.Pos, "'%s' needs a { } block", n.Key)
		return
	}
	h(a, n, t)
}

const (
	noBlock = iota
	needsBlock
	mayBlock
)

// bgpBlocks says which keywords open a block; an announce without one is
// announced unconditionally.
var bgpBlocks = map[string]int{"bgp": needsBlock, "neighbor": needsBlock, "announce": mayBlock}

var bgpTop = map[string]bgpHandler{
	"bgp":      bgpGlobal,
	"neighbor": bgpNeighbor,
	"announce": bgpAnnounce,
}

var bgpGlobalKeys = map[string]bgpHandler{
	"local_as":       func(a *analyzer, n *Node, t *bgpTarget) { keep(&t.c.LocalAS)(argAS(a, n, 0)) },
	"router_id":      func(a *analyzer, n *Node, t *bgpTarget) { keep(&t.c.RouterID)(argIPv4(a, n)) },
	"listen_port":    func(a *analyzer, n *Node, t *bgpTarget) { keep(&t.c.ListenPort)(argPort(a, n)) },
	"listen_address": func(a *analyzer, n *Node, t *bgpTarget) { keep(&t.c.ListenAddress)(a.argAddr(n, 0)) },
	"shutdown_grace": func(a *analyzer, n *Node, t *bgpTarget) {
		keep(&t.c.ShutdownGrace)(a.argTimer(n, 0, 0, time.Minute))
	},
}

func bgpGlobal(a *analyzer, n *Node, t *bgpTarget) {
	if t.seen.bgpBlock.Line != 0 {
		a.warnf(n.Pos, "a second 'bgp' block (the first is at %s)", t.seen.bgpBlock)
		return
	}
	t.seen.bgpBlock = n.Pos
	t.c.Pos = n.Pos.src()
	if len(n.Args) > 0 {
		a.warnf(n.Pos, "'bgp' takes no argument")
	}
	for _, k := range n.Children {
		bgpDispatch(a, k, bgpGlobalKeys, t, "bgp")
	}
}

var bgpNeighborKeys = map[string]bgpHandler{
	"remote_as":     func(a *analyzer, n *Node, t *bgpTarget) { keep(&t.nb.AS)(argAS(a, n, 0)) },
	"port":          func(a *analyzer, n *Node, t *bgpTarget) { keep(&t.nb.Port)(argPort(a, n)) },
	"local_address": func(a *analyzer, n *Node, t *bgpTarget) { keep(&t.nb.LocalAddress)(a.argAddr(n, 0)) },
	"passive":       func(a *analyzer, n *Node, t *bgpTarget) { t.nb.Passive = a.argBool(n, 0) },
	"password": func(a *analyzer, n *Node, t *bgpTarget) {
		if len(n.Args) != 1 || n.Args[0].Text == "" || len(n.Args[0].Text) > 80 {
			a.warnf(n.Pos, "password: one word of 1 to 80 characters (TCP MD5 key)")
			return
		}
		t.nb.Password = n.Args[0].Text
	},
	"hold_time": func(a *analyzer, n *Node, t *bgpTarget) {
		if v, ok := a.argInt(n, 0, 0, 65535); ok {
			if v == 1 || v == 2 {
				a.warnf(n.Pos, "hold_time: must be 0 or at least 3 seconds (RFC 4271 4.2)")
				return
			}
			t.nb.HoldTime = time.Duration(v) * time.Second
		}
	},
	"keepalive_interval": func(a *analyzer, n *Node, t *bgpTarget) {
		if v, ok := a.argInt(n, 0, 0, 21845); ok {
			t.nb.Keepalive = time.Duration(v) * time.Second
		}
	},
	"ebgp_multihop": func(a *analyzer, n *Node, t *bgpTarget) {
		if v, ok := a.argInt(n, 0, 1, 255); ok {
			t.nb.Multihop = uint8(v)
		}
	},
	"bfd": func(a *analyzer, n *Node, _ *bgpTarget) {
		a.warnf(n.Pos, "bfd: GoBGP, govrrpd's BGP engine, has no BFD; a dead peer is found by hold_time (use 3/9 s or less)")
	},
}

func bgpNeighbor(a *analyzer, n *Node, t *bgpTarget) {
	ip, ok := a.argAddr(n, 0)
	if !ok {
		return
	}
	if at, dup := t.seen.neighbors[ip]; dup {
		a.warnf(n.Pos, "neighbor %s: already defined at %s", ip, at)
		return
	}
	t.seen.neighbors[ip] = n.Pos
	nb := bgp.Neighbor{Address: ip, Port: bgp.DefaultPort, HoldTime: bgp.DefaultHoldTime,
		Keepalive: bgp.DefaultKeepalive, Pos: n.Pos.src()}
	sub := &bgpTarget{c: t.c, seen: t.seen, nb: &nb}
	for _, k := range n.Children {
		bgpDispatch(a, k, bgpNeighborKeys, sub, "neighbor "+ip.String())
	}
	switch {
	case nb.AS == 0:
		a.warnf(n.Pos, "neighbor %s: remote_as is required", ip)
		return
	case nb.HoldTime != 0 && nb.Keepalive >= nb.HoldTime:
		a.warnf(n.Pos, "neighbor %s: keepalive_interval %s must be below hold_time %s", ip, nb.Keepalive, nb.HoldTime)
		return
	}
	t.c.Neighbors = append(t.c.Neighbors, nb)
}

// argAS reads a 4-octet AS number (RFC 6793), plain or as "high.low".
func argAS(a *analyzer, n *Node, i int) (uint32, bool) {
	s, ok := a.arg(n, i)
	if !ok {
		return 0, false
	}
	v, err := parseAS(s)
	if err != nil || v == 0 {
		a.warnf(n.Pos, "%s: invalid AS number '%s' (1-4294967295 or HIGH.LOW)", n.Key, s)
		return 0, false
	}
	return v, true
}

func parseAS(s string) (uint32, error) {
	if hi, lo, ok := strings.Cut(s, "."); ok {
		h, err1 := strconv.ParseUint(hi, 10, 16)
		l, err2 := strconv.ParseUint(lo, 10, 16)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("invalid AS %q", s)
		}
		return uint32(h<<16 | l), nil
	}
	v, err := strconv.ParseUint(s, 10, 32)
	return uint32(v), err
}

func argIPv4(a *analyzer, n *Node) (netip.Addr, bool) {
	ip, ok := a.argAddr(n, 0)
	if ok && !ip.Is4() {
		a.warnf(n.Pos, "%s: '%s' is not an IPv4 address (a BGP identifier is 32 bits)", n.Key, ip)
		return netip.Addr{}, false
	}
	return ip, ok
}

func argPort(a *analyzer, n *Node) (uint16, bool) {
	v, ok := a.argInt(n, 0, 1, 65535)
	return uint16(v), ok
}

// keep stores a value only when it was read: a refused one leaves the
// default or an earlier good value, as a keepalived.conf keyword does.
func keep[T any](dst *T) func(T, bool) {
	return func(v T, ok bool) {
		if ok {
			*dst = v
		}
	}
}

// BGPKeywords lists every keyword of the --bgp-config file by block ("" for
// the top level), for the manual page's test to hold its list against.
func BGPKeywords() map[string][]string {
	out := map[string][]string{}
	for blk, tbl := range map[string]map[string]bgpHandler{"": bgpTop, "bgp": bgpGlobalKeys,
		"neighbor": bgpNeighborKeys, "announce": bgpAnnounceKeys} {
		for k := range tbl {
			out[blk] = append(out[blk], k)
		}
		slices.Sort(out[blk])
	}
	return out
}
