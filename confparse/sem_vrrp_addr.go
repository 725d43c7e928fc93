package confparse

import (
	"net/netip"
	"strings"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Address, route and rule entries, shared by vrrp_instance and the static_*
// blocks. Each entry is one logical line: the node's key is its first word.

// entryWords returns an entry line as words.
func entryWords(n *Node) []string { return append([]string{n.Key}, n.ArgStrings()...) }

// checkIf reports a named interface that does not exist, when -t asks for
// interface checks; msg is keepalived's wording with %s for the name. It
// says whether the interface was found (or not looked for, or may appear
// later). Under dynamic_interfaces a missing interface is no error
// (keepalived 2.2.7 -t exits 0, measured): keepalived keeps a placeholder
// and uses the interface once it exists, as the daemon does by waiting in
// FAULT. keepalived has global_defs before it reads the rest, so the
// keyword counts wherever it is; here it counts for the lines read after
// it and for the instances' own interfaces, which are checked at the end.
func (a *analyzer) checkIf(p Pos, name, format string, args ...any) bool {
	if !a.opts.CheckInterfaces || name == "" {
		return true
	}
	exists := a.opts.InterfaceExists
	if exists == nil {
		exists = hostInterfaceExists
	}
	if !exists(name) {
		if a.cfg.VRRP.DynamicInterfaces {
			a.infof(p, "Configuration specifies interface %s which doesn't currently exist - will use if created", name)
			return true
		}
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

func instVIPs(excluded bool) ib {
	return func(a *analyzer, n *Node, b *instB) {
		for _, c := range n.Children {
			ad, ok := parseAddress(a, c, false)
			if !ok {
				continue
			}
			if excluded {
				b.OptsRef().ExcludedVIPs = append(b.OptsRef().ExcludedVIPs, ad)
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
		if b.Family == 0 {
			b.Family = familyOf(ip) // as keepalived: the address decides
		} else if familyOf(ip) != b.Family {
			a.warnf(n.Pos, "Configuration error: VRRP instance[%s] and src address[%s] MUST be of the same family !!! Skipping...", b.Name, s)
			return
		}
		if unicast {
			b.OptsRef().UnicastSrc = ip
		} else {
			b.OptsRef().McastSrc = ip
		}
	}
}

// instPeers reads unicast_peer entries as keepalived 2.2.7 does: ADDR
// [min_ttl N] [max_ttl N]; the first peer sets the instance's family when
// no address has yet, a peer of the other family is skipped, and an
// unknown option or a missing value ends the entry's options.
func instPeers(a *analyzer, n *Node, b *instB) {
	b.set["unicast"] = true
	for _, c := range n.Children {
		w := entryWords(c)
		ip, err := netip.ParseAddr(hostPart(a, c.Pos, "unicast_peer", w[0]))
		if err != nil {
			a.warnf(c.Pos, "Configuration error: VRRP instance[%s] malformed unicast peer address[%s]. Skipping...", b.Name, w[0])
			continue
		}
		if b.Family == 0 {
			b.Family = familyOf(ip)
		} else if familyOf(ip) != b.Family {
			a.warnf(c.Pos, "Configuration error: VRRP instance[%s] and unicast peer address[%s] MUST be of the same family !!! Skipping...", b.Name, w[0])
			continue
		}
		p := vrrp.Peer{Addr: ip}
		for i := 1; i < len(w); i += 2 {
			if i+1 >= len(w) {
				a.warnf(c.Pos, "(%s) %s is missing a value", b.Name, w[i])
				break
			}
			if w[i] != "min_ttl" && w[i] != "max_ttl" {
				a.warnf(c.Pos, "(%s) unknown unicast_peer option %s", b.Name, w[i])
				break
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
		if p.MaxTTL != 0 && p.MinTTL > p.MaxTTL {
			a.warnf(c.Pos, "(%s) min_ttl %d > max_ttl %d - all packets will be discarded", b.Name, p.MinTTL, p.MaxTTL)
		}
		b.OptsRef().UnicastPeers = append(b.OptsRef().UnicastPeers, p)
	}
}

// instRoutes reads virtual_routes. track_group is for static routes only:
// keepalived reads it here as a destination and drops the route.
func instRoutes(a *analyzer, n *Node, b *instB) {
	for _, c := range n.Children {
		r, ok := routeEntry(a, c)
		if ok && r.TrackGroup != "" {
			a.warnf(c.Pos, "VRRP parsed invalid IP track_group. skipping IP...")
			a.warnf(c.Pos, "unknown route keyword track_group")
			continue
		}
		if ok {
			b.OptsRef().Routes = append(b.OptsRef().Routes, r)
		}
	}
}

// instRules reads virtual_rules; keepalived ignores a track_group here.
func instRules(a *analyzer, n *Node, b *instB) {
	for _, c := range n.Children {
		r, ok := ruleEntry(a, c, vrrpOf(a))
		if ok && r.TrackGroup != "" {
			a.warnf(c.Pos, "Unknown rule option track_group")
			r.TrackGroup = ""
		}
		if ok {
			b.OptsRef().Rules = append(b.OptsRef().Rules, r)
		}
	}
}
