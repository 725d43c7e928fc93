package confparse

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Address, route and rule entries, shared by vrrp_instance and the static_*
// blocks. Each entry is one logical line: the node's key is its first word.

// entryWords returns an entry line as words.
func entryWords(n *Node) []string { return append([]string{n.Key}, n.ArgStrings()...) }

// checkIf reports a named interface that does not exist, when -t asks for
// interface checks; msg is keepalived's wording with %s for the name. It
// says whether the interface was found (or not looked for).
func (a *analyzer) checkIf(p Pos, name, format string, args ...any) bool {
	if !a.opts.CheckInterfaces || name == "" {
		return true
	}
	exists := a.opts.InterfaceExists
	if exists == nil {
		exists = hostInterfaceExists
	}
	if !exists(name) {
		// keepalived reports each missing interface as a configuration
		// error (exit 5) and then, once, that it cannot run (4); the exit
		// status is the maximum, so 5 (measured with 2.2.7).
		a.warnf(p, format, args...)
		ld := vrrpOf(a)
		if !ld.missingIf {
			ld.missingIf = true
			a.fatalf(p, "Non-existent interface specified in configuration")
		}
		return false
	}
	return true
}

// parsePrefix reads ADDR[/LEN]; a bare address is a host prefix.
func parsePrefix(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p, err == nil
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(ip, ip.BitLen()), true
}

var validScopes = map[string]bool{"site": true, "link": true, "host": true, "nowhere": true, "global": true}

// parseAddress reads one virtual_ipaddress / static_ipaddress entry.
func parseAddress(a *analyzer, n *Node) (vrrp.Address, bool) {
	w := entryWords(n)
	var ad vrrp.Address
	p, ok := parsePrefix(w[0])
	if !ok {
		a.warnf(n.Pos, "VRRP parsed invalid IP %s. skipping IP...", w[0])
		return ad, false
	}
	ad.Prefix = p
	for i := 1; i < len(w); i++ {
		opt := w[i]
		val := func() (string, bool) {
			if i+1 >= len(w) {
				a.warnf(n.Pos, "No value specified for %s for ip address %s", opt, w[0])
				return "", false
			}
			i++
			return w[i], true
		}
		switch opt {
		case "dev":
			if v, ok := val(); ok {
				ad.Dev = v
				a.checkIf(n.Pos, v, "WARNING - interface %s for ip address %s doesn't exist", v, w[0])
			}
		case "brd":
			if v, ok := val(); ok {
				if _, err := netip.ParseAddr(v); err != nil && v != "+" && v != "-" {
					a.warnf(n.Pos, "Invalid broadcast address %s for %s - ignoring", v, w[0])
				} else {
					ad.Brd = v
				}
			}
		case "scope":
			if v, ok := val(); ok {
				if validScopes[v] {
					ad.Scope = v
				} else {
					a.warnf(n.Pos, "Invalid scope '%s' specified for %s - ignoring", v, w[0])
				}
			}
		case "label":
			if v, ok := val(); ok {
				if p.Addr().Is6() {
					a.warnf(n.Pos, "Cannot specify label for IPv6 addresses (%s) - ignoring label", w[0])
				} else {
					ad.Label = v
				}
			}
		case "peer":
			if v, ok := val(); ok {
				if ip, err := netip.ParseAddr(v); err != nil || ip.Is4() != p.Addr().Is4() {
					a.warnf(n.Pos, "Invalid peer address %s for %s - ignoring", v, w[0])
				} else {
					ad.Peer = ip
				}
			}
		case "preferred_lft":
			if v, ok := val(); ok {
				if _, err := strconv.ParseUint(v, 10, 32); err != nil && v != "forever" {
					a.warnf(n.Pos, "Invalid preferred_lft %s for %s - ignoring", v, w[0])
				} else {
					ad.Preferred = v
				}
			}
		case "track_group":
			if v, ok := val(); ok {
				ad.TrackGroup = v
			}
		case "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin":
			ad.Flags = append(ad.Flags, opt)
		case "no_track":
			ad.NoTrack = true
		case "use_vmac":
			ad.UseVMAC = true
		default:
			a.warnf(n.Pos, "Unknown configuration entry '%s' for ip address - ignoring", opt)
		}
	}
	return ad, true
}

func instVIPs(excluded bool) ib {
	return func(a *analyzer, n *Node, b *instB) {
		for _, c := range n.Children {
			ad, ok := parseAddress(a, c)
			if !ok {
				continue
			}
			if ad.TrackGroup != "" {
				a.warnf(c.Pos, "(%s) track_group %s is only valid for static addresses - ignoring", b.Name, ad.TrackGroup)
				ad.TrackGroup = ""
			}
			if excluded {
				b.ExcludedVIPs = append(b.ExcludedVIPs, ad)
				continue
			}
			fam := familyOf(ad.Prefix.Addr())
			if b.Family == 0 {
				b.Family = fam
			} else if b.Family != fam {
				a.warnf(c.Pos, "(%s): address family must match VRRP instance [%s] - ignoring", b.Name, c.Key)
				continue
			}
			b.VIPs = append(b.VIPs, ad)
		}
	}
}

func familyOf(ip netip.Addr) vrrp.Family {
	if ip.Is4() {
		return vrrp.IPv4
	}
	return vrrp.IPv6
}

// hostPart is keepalived's inet_stosockaddr reading of an address: the
// text before the first '-' (a range) or '/' (a prefix length) is the
// address and the rest is dropped. A unicast peer written 192.0.2.5/24 is
// 192.0.2.5 to keepalived; refusing it would leave the instance on
// multicast, a split brain on a network that needs unicast. Said at Info
// (keepalived says nothing, and -t stays 0).
func hostPart(a *analyzer, p Pos, key, s string) string {
	i := strings.IndexAny(s, "-/")
	if i < 0 {
		return s
	}
	a.infof(p, "%s %s: keepalived ignores '%s' here; using the address %s", key, s, s[i:], s[:i])
	return s[:i]
}

func instSrcIP(unicast bool) ib {
	return func(a *analyzer, n *Node, b *instB) {
		b.set["unicast"] = b.set["unicast"] || unicast
		s, _ := a.arg(n, 0)
		ip, err := netip.ParseAddr(hostPart(a, n.Pos, n.Key, s))
		if err != nil {
			a.warnf(n.Pos, "Configuration error: VRRP instance[%s] malformed src address[%s]. Skipping...", b.Name, s)
			return
		}
		if b.Family != 0 && familyOf(ip) != b.Family {
			a.warnf(n.Pos, "Configuration error: VRRP instance[%s] and src address[%s] MUST be of the same family !!! Skipping...", b.Name, s)
			return
		}
		if unicast {
			b.UnicastSrc = ip
		} else {
			b.McastSrc = ip
		}
	}
}

func instPeers(a *analyzer, n *Node, b *instB) {
	b.set["unicast"] = true
	for _, c := range n.Children {
		w := entryWords(c)
		ip, err := netip.ParseAddr(hostPart(a, c.Pos, "unicast_peer", w[0]))
		if err != nil {
			a.warnf(c.Pos, "Configuration error: VRRP instance[%s] malformed unicast peer address[%s]. Skipping...", b.Name, w[0])
			continue
		}
		p := vrrp.Peer{Addr: ip}
		for i := 1; i < len(w); i += 2 {
			if w[i] != "min_ttl" && w[i] != "max_ttl" {
				a.warnf(c.Pos, "(%s) unknown unicast_peer option '%s'", b.Name, w[i])
				i--
				continue
			}
			v, ok := a.argInt(c, i, 0, 255)
			if !ok {
				continue
			}
			if w[i] == "min_ttl" {
				p.MinTTL = v
			} else {
				p.MaxTTL = v
			}
		}
		b.UnicastPeers = append(b.UnicastPeers, p)
	}
}

func instRoutes(a *analyzer, n *Node, b *instB) {
	for _, c := range n.Children {
		if r, ok := routeEntry(a, c); ok {
			b.Routes = append(b.Routes, r)
		}
	}
}

func instRules(a *analyzer, n *Node, b *instB) {
	for _, c := range n.Children {
		if r, ok := ruleEntry(a, c, vrrpOf(a)); ok {
			b.Rules = append(b.Rules, r)
		}
	}
}
