package confparse

import (
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/bfd"
	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/vrrp"
)

// bfd_instance blocks, track_bfd references and BFD_CHECK, with
// keepalived's ranges, defaults and messages (bfd_parser.c, check_bfd.c,
// vrrp_track.c).

// BFDInstance is one bfd_instance: the session's settings and whom its
// state changes go to.
type BFDInstance struct {
	bfd.Settings
	Where string // file:line of the block
	// Weight and Reverse are the `weight` keyword: the default of the
	// track_bfd entries naming this instance.
	Weight  int
	Reverse bool
	// ToVRRP and ToChecker are false when the block names only the other
	// with keepalived's `vrrp` / `checker` keywords.
	ToVRRP, ToChecker bool
}

// bfdInameMax is keepalived's BFD_INAME_MAX less the terminating NUL.
const bfdInameMax = 31

// bfdB is a bfd_instance being read.
type bfdB struct {
	BFDInstance
	vrrpOnly, checkerOnly bool
	badNeighbor           bool // keepalived drops the instance, with its own message
}

var bfdTable = table[*bfdB]{
	"neighbor_ip":  bfdNeighbor,
	"neighbour_ip": bfdNeighbor,
	"source_ip": func(a *analyzer, n *Node, b *bfdB) {
		s, ok := a.arg(n, 0)
		if !ok {
			return
		}
		ip, err := netip.ParseAddr(s)
		if err != nil {
			a.warnf(n.Pos, "BFD instance %s has malformed source address %s, ignoring", b.Name, s)
			return
		}
		b.Settings.Source = ip
	},
	"min_rx":  bfdInterval(bfd.MinInterval, func(b *bfdB) *time.Duration { return &b.MinRx }),
	"min_tx":  bfdInterval(bfd.MinInterval, func(b *bfdB) *time.Duration { return &b.MinTx }),
	"idle_tx": bfdInterval(bfd.MinIdleTx, func(b *bfdB) *time.Duration { return &b.IdleTx }),
	"multiplier": func(a *analyzer, n *Node, b *bfdB) {
		if v, ok := bfdInt(a, n, b, "multiplier", 1, 255); ok {
			b.Multiplier = uint8(v)
		}
	},
	"passive":  func(a *analyzer, n *Node, b *bfdB) { b.Passive = true },
	"ttl":      bfdTTL,
	"hoplimit": bfdTTL,
	"max_hops": func(a *analyzer, n *Node, b *bfdB) {
		if v, ok := bfdInt(a, n, b, "max_hops", -1, 255); ok {
			b.MaxHops = v
		}
	},
	"weight": func(a *analyzer, n *Node, b *bfdB) {
		if v, ok := bfdInt(a, n, b, "weight", -253, 253); ok {
			b.Weight = v
		}
		if len(n.Args) > 1 {
			if n.Args[1].Text != "reverse" {
				a.warnf(n.Pos, "BFD instance %s unknown weight option %s", b.Name, n.Args[1].Text)
			} else {
				b.Reverse = true
			}
		}
	},
	"vrrp":     func(a *analyzer, n *Node, b *bfdB) { b.vrrpOnly = true },
	"checker":  func(a *analyzer, n *Node, b *bfdB) { b.checkerOnly = true },
	"multihop": notYet[*bfdB],
}

func init() {
	topLevel["bfd_instance"] = bfdInstance
	instTable["track_bfd"] = func(a *analyzer, n *Node, b *instB) {
		b.OptsRef().TrackBFDs = trackBFDs(a, n, b.Name, b.OptsRef().TrackBFDs)
	}
	groupTable["track_bfd"] = func(a *analyzer, n *Node, g *groupB) { g.TrackBFDs = trackBFDs(a, n, g.Name, g.TrackBFDs) }
}

func bfdNeighbor(a *analyzer, n *Node, b *bfdB) {
	s, ok := a.arg(n, 0)
	if !ok {
		return
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		a.warnf(n.Pos, "BFD instance %s has malformed %s address %s, ignoring instance", b.Name,
			strings.TrimSuffix(n.Key, "_ip"), s)
		b.badNeighbor = true
		return
	}
	b.Neighbor = ip
}

// bfdInterval reads milliseconds with up to three decimals (keepalived's
// read_decimal_unsigned_strvec), at least lo and at most 2³²-1 µs.
func bfdInterval(lo time.Duration, f func(*bfdB) *time.Duration) handler[*bfdB] {
	return func(a *analyzer, n *Node, b *bfdB) {
		s, ok := a.arg(n, 0)
		if !ok {
			return
		}
		d, ok := parseMillis(s)
		if !ok || d < lo || d > bfd.MaxInterval/time.Microsecond/1000*time.Millisecond {
			a.warnf(n.Pos, "BFD instance %s %s value %s is not valid (must be in range [%d-%d]), ignoring",
				b.Name, n.Key, s, lo/time.Millisecond, uint32(math.MaxUint32)/1000)
			return
		}
		if d > 10*time.Second {
			a.infof(n.Pos, "BFD instance %s %s value %s is larger than max sensible (10000)", b.Name, n.Key, s)
		}
		*f(b) = d
	}
}

// parseMillis reads "50", "0.5", "12.125" milliseconds.
func parseMillis(s string) (time.Duration, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 3 || whole == "" && frac == "" {
		return 0, false
	}
	w, err := strconv.ParseUint(orZero(whole), 10, 32)
	if err != nil {
		return 0, false
	}
	f, err := strconv.ParseUint(orZero(frac+strings.Repeat("0", 3-len(frac))), 10, 32)
	if err != nil {
		return 0, false
	}
	return time.Duration(w)*time.Millisecond + time.Duration(f)*time.Microsecond, true
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

func bfdTTL(a *analyzer, n *Node, b *bfdB) {
	if v, ok := bfdInt(a, n, b, "ttl/hoplimit", 1, 255); ok {
		b.TTL = uint8(v)
	}
}

// bfdInt reads a number in [lo, hi]; a refused one gets keepalived's
// second line naming the instance, after the range message.
func bfdInt(a *analyzer, n *Node, b *bfdB, what string, lo, hi int) (int, bool) {
	v, ok := a.argInt(n, 0, lo, hi)
	if !ok && len(n.Args) > 0 {
		a.warnf(n.Pos, "BFD instance %s %s value %s not valid (must be in range [%d-%d]), ignoring",
			b.Name, what, n.Args[0].Text, lo, hi)
	}
	return v, ok
}

func bfdInstance(a *analyzer, n *Node, c *Config) {
	name, ok := a.arg(n, 0)
	if !ok {
		return
	}
	if len(name) > bfdInameMax {
		a.warnf(n.Pos, "BFD instance %s name too long (maximum length is %d characters) - ignoring", name, bfdInameMax)
		return
	}
	for _, o := range c.BFDs {
		if o.Name == name {
			a.warnf(n.Pos, "BFD instance %s already configured - ignoring", name)
			return
		}
	}
	b := &bfdB{BFDInstance: BFDInstance{Settings: bfd.Defaults(name), Where: n.Pos.String()}}
	children(a, n, bfdTable, b, "bfd_instance "+name)
	if bfdFinish(a, n, c, b) {
		c.BFDs = append(c.BFDs, b.BFDInstance)
	}
}

func bfdFinish(a *analyzer, n *Node, c *Config, b *bfdB) bool {
	s := &b.Settings
	switch {
	case b.badNeighbor:
		return false
	case !s.Neighbor.IsValid():
		a.warnf(n.Pos, "BFD instance %s has no neighbor address set, disabling instance", s.Name)
		return false
	case s.Source.IsValid() && s.Source.Is4() != s.Neighbor.Is4():
		a.warnf(n.End, "BFD instance %s source address %s and neighbor address %s are not of the same family, disabling instance",
			s.Name, s.Source, s.Neighbor)
		return false
	}
	for _, o := range c.BFDs {
		if o.Neighbor == s.Neighbor && o.Settings.Source == s.Source {
			a.warnf(n.Pos, "BFD instance %s has duplicate neighbor address %s, ignoring instance", s.Name, s.Neighbor)
			return false
		}
	}
	if s.TTL == 0 {
		s.TTL = s.SendTTL()
	}
	if s.MaxHops > int(s.TTL) {
		a.warnf(n.End, "BFD instance %s: max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit", s.Name)
		s.MaxHops = int(s.TTL)
	}
	if s.MaxHops < 0 {
		s.MaxHops = bfd.NoHopCheck
	}
	b.ToVRRP = b.vrrpOnly || !b.checkerOnly
	b.ToChecker = b.checkerOnly || !b.vrrpOnly
	return true
}

// BFDTrackers are the bfd_instances VRRP hears of, for vrrp.DefsFrom.
func (c *Config) BFDTrackers() []vrrp.BFDTracker {
	var out []vrrp.BFDTracker
	for _, b := range c.BFDs {
		if b.ToVRRP {
			out = append(out, vrrp.BFDTracker{Name: b.Name, Weight: b.Weight, Reverse: b.Reverse})
		}
	}
	return out
}

// trackBFDs reads a track_bfd block: NAME [weight W [reverse|noreverse]],
// each naming a bfd_instance defined above it that reports to VRRP.
func trackBFDs(a *analyzer, n *Node, owner string, dst []vrrp.TrackRef) []vrrp.TrackRef {
	for _, c := range n.Children {
		w := entryWords(c)
		r := vrrp.TrackRef{Name: w[0]}
		found := false
		for _, b := range a.cfg.BFDs {
			if b.Name == r.Name && b.ToVRRP {
				found, r.Weight, r.Reverse = true, b.Weight, b.Reverse
			}
		}
		if !found {
			a.warnf(c.Pos, "(%s) track bfd %s not found, ignoring...", owner, r.Name)
			continue
		}
		if slices.ContainsFunc(dst, func(o vrrp.TrackRef) bool { return o.Name == r.Name }) {
			a.warnf(c.Pos, "(%s) duplicate track_bfd %s - ignoring", owner, r.Name)
			continue
		}
		if !bfdWeight(a, c, owner, w, &r.Weight, &r.Reverse) {
			continue
		}
		r.WeightSet = true
		dst = append(dst, r)
	}
	return dst
}

// chkBFDTable is BFD_CHECK's: keepalived installs only name and alpha.
var chkBFDTable = table[*chkState]{
	"name": func(a *analyzer, n *Node, st *chkState) {
		if len(n.Args) != 1 {
			a.warnf(n.Pos, "BFD_CHECK - No or too many names specified - skipping checker")
			return
		}
		name := n.Args[0].Text
		found := false
		for _, b := range a.cfg.BFDs {
			found = found || (b.Name == name && b.ToChecker)
		}
		switch {
		case !found:
			a.warnf(n.Pos, "BFD_CHECK - BFD %s not configured", name)
		case st.c.BFD().Instance != "":
			a.warnf(n.Pos, "BFD_CHECK - BFD %s already specified as %s", name, st.c.BFD().Instance)
		default:
			st.c.BFD().Instance = name
		}
	},
	"alpha": chkSchedTable["alpha"],
}

func init() {
	chkTables[check.BFD] = chkBFDTable
}

// bfdCheckValid drops a BFD_CHECK without a name, or one naming a session
// the real server already monitors.
func bfdCheckValid(a *analyzer, n *Node, st *chkState, rs *rsState) bool {
	name := st.c.BFD().Instance
	if name == "" {
		a.warnf(n.Pos, "No name has been specified for BFD_CHECKER - skipping")
		return false
	}
	for _, o := range rs.checkers[:len(rs.checkers)-1] {
		if o.c.Kind == check.BFD && o.c.BFD().Instance == name {
			a.warnf(n.Pos, "BFD_CHECK - RS already monitoring %s", name)
			return false
		}
	}
	return true
}

// printBFDs writes the bfd_instance blocks, every setting explicit except
// those at keepalived's default.
func printBFDs(p *printer, bs []BFDInstance) {
	for _, b := range bs {
		p.open("bfd_instance", quote(b.Name))
		p.line("neighbor_ip", b.Neighbor.String())
		if b.Settings.Source.IsValid() {
			p.line("source_ip", b.Settings.Source.String())
		}
		def := bfd.Defaults(b.Name)
		for _, iv := range []struct {
			k      string
			v, def time.Duration
		}{{"min_rx", b.MinRx, def.MinRx}, {"min_tx", b.MinTx, def.MinTx}, {"idle_tx", b.IdleTx, def.IdleTx}} {
			if iv.v != iv.def {
				p.line(iv.k, fmtMillis(iv.v))
			}
		}
		if b.Multiplier != def.Multiplier {
			p.line("multiplier", strconv.Itoa(int(b.Multiplier)))
		}
		if b.Passive {
			p.line("passive")
		}
		p.line("ttl", strconv.Itoa(int(b.TTL)))
		if b.MaxHops != 0 {
			p.line("max_hops", strconv.Itoa(b.MaxHops))
		}
		weightLine(p, b.Weight, b.Reverse, 0)
		if !b.ToChecker {
			p.line("vrrp")
		}
		if !b.ToVRRP {
			p.line("checker")
		}
		p.close()
	}
}

// fmtMillis writes an interval as keepalived reads it: milliseconds with
// only the decimals needed.
func fmtMillis(d time.Duration) string {
	us := d.Microseconds()
	s := strconv.FormatInt(us/1000, 10)
	if f := us % 1000; f != 0 {
		s += strings.TrimRight("."+strconv.FormatInt(1000+f, 10)[1:], "0")
	}
	return s
}

// bfdWeight reads a track_bfd entry's optional "weight W
// [reverse|noreverse]" tail as keepalived's alloc_track_bfd: an unknown
// word drops the entry, a weight outside [-253, 253] keeps the
// bfd_instance's own; false drops the entry.
func bfdWeight(a *analyzer, c *Node, owner string, w []string, weight *int, rev *bool) bool {
	switch {
	case len(w) < 2:
		return true
	case w[1] != "weight":
		a.warnf(c.Pos, "(%s) unknown track bfd %s option %s - ignoring", owner, w[0], w[1])
		return false
	case len(w) == 2:
		a.warnf(c.Pos, "(%s) weight without value specified for track bfd %s - ignoring", owner, w[0])
		return false
	}
	if v, ok := a.argInt(c, 1, -253, 253); ok {
		*weight = v
	} else {
		a.warnf(c.Pos, "(%s) weight for track bfd %s must be in [-253..253] inclusive. Ignoring...", owner, w[0])
	}
	if len(w) < 4 {
		return true
	}
	switch w[3] {
	case "reverse":
		*rev = true
	case "noreverse":
		*rev = false
	default:
		a.warnf(c.Pos, "(%s) unknown track bfd %s weight option %s - ignoring", owner, w[0], w[3])
		return false
	}
	return true
}
