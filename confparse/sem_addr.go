package confparse

import (
	"net/netip"
	"strconv"

	"github.com/govrrpd/govrrpd/vrrp"
)

// One virtual_ipaddress, virtual_ipaddress_excluded or static_ipaddress
// entry, read as keepalived's parse_ipaddress reads it (vrrp_ipaddress.c,
// 2.2.7 -t measured): the entries keepalived skips are skipped, with its
// messages, so both daemons put the same addresses in place.

var validScopes = map[string]bool{"site": true, "link": true, "host": true, "nowhere": true, "global": true}

// addrEntry is an entry being read: its words, the address and where the
// next word is.
type addrEntry struct {
	a      *analyzer
	n      *Node
	w      []string
	i      int
	ad     vrrp.Address
	o      vrrp.AddressOptions // ad's Opts while read
	static bool
}

// parseAddress reads one entry; static is true in static_ipaddress, where
// track_group is allowed and use_vmac is not.
func parseAddress(a *analyzer, n *Node, static bool) (vrrp.Address, bool) {
	e := &addrEntry{a: a, n: n, w: entryWords(n), static: static}
	p, ok := parsePrefix(e.w[0])
	if !ok {
		a.warnf(n.Pos, "VRRP parsed invalid IP %s. skipping IP...", e.w[0])
		return e.ad, false
	}
	e.ad.Prefix = p
	for e.i = 1; e.i < len(e.w); e.i++ {
		opt := e.w[e.i]
		if e.takesValue(opt) && e.i+1 >= len(e.w) {
			a.warnf(n.Pos, "No %s parameter specified for %s", opt, e.w[0])
			return e.ad, false
		}
		if !e.option(opt) {
			return e.ad, false
		}
	}
	e.finish()
	return e.ad, true
}

func (e *addrEntry) takesValue(opt string) bool {
	switch opt {
	case "dev", "scope", "brd", "broadcast", "label", "peer", "preferred_lft":
		return true
	case "track_group":
		return e.static
	}
	return false
}

// option reads the option at e.i (and its value); false skips the entry.
func (e *addrEntry) option(opt string) bool {
	a, pos, name := e.a, e.n.Pos, e.w[0]
	switch opt {
	case "dev":
		e.i++
		if e.o.Dev != "" {
			a.warnf(pos, "Cannot specify ipaddress device more than once for %s", name)
			return false
		}
		e.o.Dev = e.w[e.i]
		return a.checkIf(pos, e.o.Dev, "WARNING - interface %s for ip address %s doesn't exist", e.o.Dev, name)
	case "scope":
		e.i++
		if v := e.w[e.i]; validScopes[v] {
			e.o.Scope = v
		} else {
			a.warnf(pos, "Invalid scope '%s' specified for %s - ignoring", v, name)
		}
	case "brd", "broadcast":
		return e.broadcast()
	case "label":
		e.i++
		if len(e.w[e.i]) >= 16 {
			a.warnf(pos, "Address label %s is longer than maximum length 15 - removing address", e.w[e.i])
			return false
		}
		e.o.Label = e.w[e.i]
	case "peer":
		e.peer()
	case "preferred_lft":
		e.i++
		if v := e.w[e.i]; v == "forever" || validUint32(v) {
			e.o.Preferred = v
		} else {
			a.warnf(pos, "preferred_lft %s is invalid", v)
		}
	case "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin":
		e.o.Flags = append(e.o.Flags, opt)
	case "no_track":
		e.ad.NoTrack = true
	case "track_group", "use_vmac":
		if e.static != (opt == "track_group") {
			a.warnf(pos, "Unknown configuration entry '%s' for ip address - ignoring", opt)
		} else if opt == "use_vmac" {
			e.ad.UseVMAC = true
		} else {
			e.i++
			e.o.TrackGroup = e.w[e.i]
		}
	default:
		a.warnf(pos, "Unknown configuration entry '%s' for ip address - ignoring", opt)
	}
	return true
}

func validUint32(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

func (e *addrEntry) broadcast() bool {
	if e.ad.Prefix.Addr().Is6() {
		e.a.warnf(e.n.Pos, "VRRP is trying to assign a broadcast %s to the IPv6 address %s !!?? WTF... skipping VIP...", e.w[e.i], e.w[0])
		return false
	}
	e.i++
	v := e.w[e.i]
	if ip, err := netip.ParseAddr(v); v != "+" && v != "-" && (err != nil || !ip.Is4()) {
		e.a.warnf(e.n.Pos, "VRRP is trying to assign invalid broadcast %s. skipping VIP...", v)
		return false
	}
	e.o.Brd = v
	return true
}

// peer reads `peer ADDR`: the address then has the peer's prefix length.
func (e *addrEntry) peer() {
	e.i++
	v, pos := e.w[e.i], e.n.Pos
	ip, ok := parsePrefix(v)
	switch {
	case e.o.Peer.IsValid():
		e.a.warnf(pos, "Peer %s - another peer has already been specified", v)
	case !ok:
		e.a.warnf(pos, "Invalid peer address %s", v)
	case ip.Addr().Is4() != e.ad.Prefix.Addr().Is4():
		e.a.warnf(pos, "Peer address %s does not match address family", v)
	default:
		if e.ad.Prefix.Bits() != e.ad.Prefix.Addr().BitLen() {
			e.a.warnf(pos, "Cannot specify address prefix when specifying peer address - ignoring")
		}
		e.o.Peer = ip.Addr()
		e.ad.Prefix = netip.PrefixFrom(e.ad.Prefix.Addr(), ip.Bits())
	}
}

// finish applies keepalived's checks of the whole entry.
func (e *addrEntry) finish() {
	a, pos, ad := e.a, e.n.Pos, &e.o
	switch {
	case ad.Brd != "" && ad.Peer.IsValid():
		a.warnf(pos, "Cannot specify broadcast and peer addresses - ignoring broadcast address")
		ad.Brd = ""
	case (ad.Brd == "+" || ad.Brd == "-") && e.ad.Prefix.Bits() > 30:
		a.warnf(pos, "Address prefix length %d too long for broadcast", e.ad.Prefix.Bits())
		ad.Brd = ""
	}
	if e.ad.Prefix.Addr().Is6() {
		if ad.Scope != "" {
			a.warnf(pos, "Cannot specify scope for IPv6 addresses (%s) - ignoring scope", e.w[0])
			ad.Scope = ""
		}
		if ad.Label != "" {
			a.warnf(pos, "Cannot specify label for IPv6 addresses (%s) - ignoring label", e.w[0])
			ad.Label = ""
		}
	}
	if !ad.IsZero() {
		o := *ad
		e.ad.Opts = &o
	}
}
