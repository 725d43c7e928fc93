package confparse

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
)

// scriptSpec shortens the command type in the keyword tables.
type scriptSpec = script.Spec

// virtual_server blocks. keepalived reads a virtual server in one pass but
// decides its defaults (protocol, scheduler, forwarding method, real-server
// weights, checker timers) only when the block is complete, because the
// block may set them after the real servers; the same happens here in
// vsFinish.

func init() {
	topLevel["virtual_server"] = semVirtualServer
	topLevel["virtual_server_group"] = semServerGroup
	topLevel["SSL"] = semSSL
}

// Timer bounds: keepalived stores timers as unsigned 32-bit microsecond
// counts.
const (
	lvsMaxTimer = 4294967295 * time.Microsecond
	// lvsMaxLongTimer bounds delay_loop, delay_before_retry and warmup,
	// which keepalived keeps in an unsigned long (about 1.8e13 s): the
	// longest timer govrrpd reads, about 31 years.
	lvsMaxLongTimer = 1_000_000_000 * time.Second
	lvsMinTimer     = time.Microsecond
	lvsMaxPersis    = 2678400 // IPVS's longest persistence, 31 days
	lvsMaxInt       = 1<<31 - 1
)

// vsState is a virtual server while its block is read.
type vsState struct {
	vs        ipvs.VirtualServer
	protoSet  bool
	schedSet  bool
	methodSet bool
	familySet bool
	reals     []rsState
}

// lvsSchedulers are the IPVS schedulers keepalived 2.2.7 accepts.
var lvsSchedulers = map[string]bool{
	"rr": true, "wrr": true, "lc": true, "wlc": true, "lblc": true, "sh": true, "mh": true,
	"dh": true, "fo": true, "ovf": true, "lblcr": true, "sed": true, "nq": true, "twos": true,
}

// lvsSchedFlags are the scheduler flag keywords, in the order they print.
var lvsSchedFlags = []string{"hashed", "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback"}

func semVirtualServer(a *analyzer, n *Node, c *Config) {
	st := a.vsScratch()
	st.vs = ipvs.VirtualServer{
		Source: n.Pos.src(), DelayLoop: 60 * time.Second, ConnectTimeout: 5 * time.Second,
		Retry: -1, Weight: 1, Quorum: 1,
	}
	if err := vsHeader(&st.vs, n.ArgStrings()); err != nil {
		a.warnf(n.Pos, "virtual_server: %v - skipping block", err)
		return
	}
	children(a, n, vsTable, st, "virtual_server")
	if g := st.vs.Group; g != "" {
		pos := n.Pos // not n: a node would keep its whole statement's memory
		a.atFinish(func() { vsgCheckRef(a, c, pos, g) })
	}
	if vs, ok := vsFinish(a, n, st); ok {
		vsResolveCheckers(a, c, st, a.addVS(vs))
	}
}

// vsHeader reads `IP [PORT]`, `fwmark N` or `group NAME`.
func vsHeader(vs *ipvs.VirtualServer, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("no address given")
	}
	switch args[0] {
	case "fwmark":
		if len(args) < 2 {
			return fmt.Errorf("fwmark needs a value")
		}
		m, err := strconv.ParseUint(args[1], 10, 32)
		if err != nil || m == 0 {
			return fmt.Errorf("invalid fwmark '%s'", args[1])
		}
		vs.FWMark, vs.Family = uint32(m), 4
		return nil
	case "group":
		if len(args) < 2 {
			return fmt.Errorf("group needs a name")
		}
		vs.Group, vs.Family = args[1], 4
		return nil
	}
	ip, err := netip.ParseAddr(args[0])
	if err != nil || ip.Zone() != "" {
		return fmt.Errorf("invalid address '%s'", args[0])
	}
	var port uint64
	if len(args) > 1 {
		if port, err = strconv.ParseUint(args[1], 10, 16); err != nil {
			return fmt.Errorf("invalid port '%s'", args[1])
		}
	}
	vs.Addr = netip.AddrPortFrom(ip, uint16(port))
	vs.Family = lvsFamily(ip)
	return nil
}

func lvsFamily(ip netip.Addr) uint8 {
	if ip.Is4() {
		return 4
	}
	return 6
}

type vsh = handler[*vsState]

var vsTable = table[*vsState]{
	"lb_algo":                 vsSched,
	"lvs_sched":               vsSched,
	"lb_kind":                 vsMethod,
	"lvs_method":              vsMethod,
	"protocol":                vsProtocol,
	"persistence_timeout":     vsPersistence,
	"persistence_granularity": vsGranularity,
	"persistence_engine": func(a *analyzer, n *Node, st *vsState) {
		if s, ok := a.arg(n, 0); ok {
			st.vs.EditOptions().PersistenceEngine = s
		}
	},
	"ops":                vsFlag(func(v *ipvs.VirtualServer) { v.OPS = true }),
	"delay_loop":         vsTimer(lvsMinTimer, lvsMaxLongTimer, func(v *ipvs.VirtualServer, d time.Duration) { v.DelayLoop = d }),
	"connect_timeout":    vsTimer(lvsMinTimer, lvsMaxTimer, func(v *ipvs.VirtualServer, d time.Duration) { v.ConnectTimeout = d }),
	"delay_before_retry": vsTimer(0, lvsMaxLongTimer, func(v *ipvs.VirtualServer, d time.Duration) { v.DelayBeforeRetry = d }),
	"warmup": vsTimer(0, lvsMaxLongTimer, func(v *ipvs.VirtualServer, d time.Duration) {
		v.Warmup, v.WarmupSet = d, true
	}),
	// keepalived's ranges: a retry and a service weight of at least 1.
	"retry":                vsInt(1, kaUintMax, func(v *ipvs.VirtualServer, i int) { v.Retry = i }),
	"weight":               vsInt(1, lvsMaxInt, func(v *ipvs.VirtualServer, i int) { v.Weight = i }),
	"quorum":               vsInt(1, kaUintMax, func(v *ipvs.VirtualServer, i int) { v.Quorum = i }),
	"hysteresis":           vsInt(0, kaUintMax, func(v *ipvs.VirtualServer, i int) { v.EditOptions().Hysteresis = i }),
	"inhibit_on_failure":   vsFlag(func(v *ipvs.VirtualServer) { v.InhibitOnFailure = true }),
	"alpha":                vsFlag(func(v *ipvs.VirtualServer) { v.Alpha = true }),
	"omega":                vsFlag(func(v *ipvs.VirtualServer) { v.Omega = true }),
	"ha_suspend":           vsFlag(func(v *ipvs.VirtualServer) { v.EditOptions().HASuspend = true }),
	"sorry_server_inhibit": vsSorryInhibit,
	"smtp_alert": func(a *analyzer, n *Node, st *vsState) {
		o := st.vs.EditOptions()
		o.SMTPAlert, o.SMTPAlertSet = a.argBool(n, 0), true
	},
	"virtualhost": func(a *analyzer, n *Node, st *vsState) {
		if s, ok := a.arg(n, 0); ok {
			st.vs.EditOptions().Virtualhost = s
		}
	},
	"snmp_name": func(a *analyzer, n *Node, st *vsState) {
		if s, ok := lvsSNMPName(a, n, "virtual"); ok {
			st.vs.EditOptions().SNMPName = s
		}
	},
	"quorum_up":               vsScript(func(v *ipvs.VirtualServer) **scriptSpec { return &v.EditOptions().QuorumUp }),
	"quorum_down":             vsScript(func(v *ipvs.VirtualServer) **scriptSpec { return &v.EditOptions().QuorumDown }),
	"quorum_max":              notYet[*vsState],
	"ip_family":               vsIPFamily,
	"sorry_server":            vsSorry,
	"sorry_server_lvs_method": vsSorryMethod,
	"real_server":             semRealServer,
}

func init() {
	for _, f := range lvsSchedFlags {
		vsTable[f] = vsSchedFlag
	}
}

func vsSched(a *analyzer, n *Node, st *vsState) {
	s, ok := a.arg(n, 0)
	if !ok {
		return
	}
	if !lvsSchedulers[s] {
		a.warnf(n.Pos, "Invalid lvs_scheduler '%s' - ignoring", s)
		return
	}
	st.vs.Scheduler, st.schedSet = s, true
}

// vsSchedFlag follows keepalived's lbflags_handler, which judges a flag
// by the scheduler set when the flag is read: flag-1..3 always count,
// sh-* only under sh and mh-* only under mh; any other flag does nothing
// under sh or mh and is refused under another scheduler.
func vsSchedFlag(a *analyzer, n *Node, st *vsState) {
	switch sched := st.vs.Scheduler; {
	case strings.HasPrefix(n.Key, "flag-"):
	case sched != "sh" && sched != "mh":
		a.warnf(n.Pos, "%s only applies to sh scheduler - ignoring", n.Key)
		return
	case !strings.HasPrefix(n.Key, sched+"-"):
		a.infof(n.Pos, "%s has no effect with scheduler %s (as in keepalived) - ignoring", n.Key, sched)
		return
	}
	for _, f := range st.vs.Options().SchedFlags {
		if f == n.Key {
			return
		}
	}
	st.vs.EditOptions().SchedFlags = append(st.vs.Options().SchedFlags, n.Key)
}

func vsMethod(a *analyzer, n *Node, st *vsState) {
	if f, ok := lvsForwarding(a, n); ok {
		st.vs.Forwarding, st.methodSet = f, true
	}
}

// vsSorryMethod: as in keepalived, the method belongs to a sorry server
// already read.
func vsSorryMethod(a *analyzer, n *Node, st *vsState) {
	if st.vs.Options().Sorry == nil {
		a.warnf(n.Pos, "sorry_server forwarding used without sorry_server")
		return
	}
	if f, ok := lvsForwarding(a, n); ok {
		st.vs.Options().Sorry.Forwarding = &f
	}
}

// lvsForwarding reads `NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`.
func lvsForwarding(a *analyzer, n *Node) (ipvs.Forwarding, bool) {
	var f ipvs.Forwarding
	args := n.ArgStrings()
	if len(args) == 0 {
		a.warnf(n.Pos, "'%s' needs a value", n.Key)
		return f, false
	}
	switch args[0] {
	case "NAT":
		f.Method = ipvs.NAT
	case "DR":
		f.Method = ipvs.DR
	case "TUN":
		f.Method = ipvs.TUN
	default:
		a.warnf(n.Pos, "PARSER : unknown [%s] routing method for virtual server.", args[0])
		return f, false
	}
	if f.Method != ipvs.TUN {
		return f, true
	}
	if err := lvsTunnelOpts(&f, args[1:]); err != nil {
		a.warnf(n.Pos, "%s: %v", n.Key, err)
		return f, false
	}
	// The kernel has these but moby/ipvs cannot send them
	// (ipvs.ErrUnsupported): refuse at -t rather than run plain ipip.
	if (f.TunType != "" && f.TunType != "ipip") || f.TunPort != 0 || f.TunCsum != "" {
		a.warnf(n.Pos, "'%s %s' is not supported by govrrpd (only TUN type ipip without checksum options)",
			n.Key, strings.Join(args, " "))
	}
	return f, true
}

func lvsTunnelOpts(f *ipvs.Forwarding, args []string) error {
	for i := 0; i < len(args); i++ {
		switch w := args[i]; w {
		case "type":
			if i+1 >= len(args) {
				return fmt.Errorf("tunnel type missing")
			}
			i++
			switch args[i] {
			case "ipip", "gue", "gre":
				f.TunType = args[i]
			default:
				return fmt.Errorf("unknown tunnel type '%s'", args[i])
			}
		case "port":
			if i+1 >= len(args) {
				return fmt.Errorf("tunnel port missing")
			}
			i++
			p, err := strconv.ParseUint(args[i], 10, 16)
			if err != nil || p == 0 {
				return fmt.Errorf("invalid tunnel port '%s'", args[i])
			}
			f.TunPort = uint16(p)
		case "nocsum", "csum", "remcsum":
			f.TunCsum = w
		default:
			return fmt.Errorf("unknown tunnel option '%s'", w)
		}
	}
	if (f.TunType == "gue") != (f.TunPort != 0) {
		return fmt.Errorf("gue tunnels require port, otherwise cannot have port.")
	}
	if f.TunCsum == "remcsum" && f.TunType != "gue" {
		return fmt.Errorf("remcsum is only valid for gue tunnels")
	}
	return nil
}

func vsProtocol(a *analyzer, n *Node, st *vsState) {
	s, ok := a.arg(n, 0)
	if !ok {
		return
	}
	switch strings.ToUpper(s) {
	case "TCP":
		st.vs.Protocol = ipvs.TCP
	case "UDP":
		st.vs.Protocol = ipvs.UDP
	case "SCTP":
		st.vs.Protocol = ipvs.SCTP
	default:
		a.warnf(n.Pos, "unknown protocol '%s' - ignoring", s)
		return
	}
	st.protoSet = true
}

// vsPersistence: a bare persistence_timeout means IPVS's default of six
// minutes, as in ipvsadm.
func vsPersistence(a *analyzer, n *Node, st *vsState) {
	if len(n.Args) == 0 {
		st.vs.Persistence = 360 * time.Second
		return
	}
	if v, ok := a.argInt(n, 0, 1, lvsMaxPersis); ok {
		st.vs.Persistence = time.Duration(v) * time.Second
	}
}

// vsGranularity takes a netmask for IPv4 and a prefix length for IPv6; the
// IPv6 length is kept as the equivalent mask so that one field serves both.
func vsGranularity(a *analyzer, n *Node, st *vsState) {
	s, ok := a.arg(n, 0)
	if !ok {
		return
	}
	// As in keepalived, an address service reads the form of its family;
	// a fwmark or group service goes by the value's form.
	if ip := st.vs.Addr.Addr(); ip.IsValid() && ip.Is4() != strings.Contains(s, ".") {
		a.warnf(n.Pos, "Invalid IPv%d persistence_granularity specified - %s", lvsFamily(ip), s)
		return
	}
	if ip, err := netip.ParseAddr(s); err == nil && ip.Is4() {
		if lvsMaskLen(ip) < 0 {
			a.warnf(n.Pos, "persistence_granularity: '%s' is not a netmask - ignoring", s)
			return
		}
		st.vs.EditOptions().PersistenceGranularity = ip
		return
	}
	bits, err := strconv.Atoi(s)
	if err != nil || bits < 1 || bits > 128 {
		a.warnf(n.Pos, "persistence_granularity: invalid value '%s' - ignoring", s)
		return
	}
	var b [16]byte
	for i := 0; i < bits; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	st.vs.EditOptions().PersistenceGranularity = netip.AddrFrom16(b)
}

// lvsMaskLen returns the prefix length of a contiguous mask, or -1.
func lvsMaskLen(m netip.Addr) int {
	b := m.AsSlice()
	n, ended := 0, false
	for _, x := range b {
		for i := 7; i >= 0; i-- {
			one := x&(1<<i) != 0
			if one && ended {
				return -1
			}
			if one {
				n++
			} else {
				ended = true
			}
		}
	}
	return n
}

func vsIPFamily(a *analyzer, n *Node, st *vsState) {
	s, ok := a.arg(n, 0)
	if !ok {
		return
	}
	var fam uint8
	switch s {
	case "inet":
		fam = 4
	case "inet6":
		fam = 6
	default:
		a.warnf(n.Pos, "ip_family: unknown family '%s' (use inet|inet6)", s)
		return
	}
	if ip := st.vs.Addr.Addr(); ip.IsValid() && lvsFamily(ip) != fam {
		a.warnf(n.Pos, "Virtual server specified family %s conflicts with server family", s)
		return
	}
	st.vs.Family, st.familySet = fam, true
}

func vsSorry(a *analyzer, n *Node, st *vsState) {
	ap, err := lvsAddrPort(n.ArgStrings())
	if err != nil {
		a.warnf(n.Pos, "sorry_server: %v - ignoring", err)
		return
	}
	if ip := st.vs.Addr.Addr(); ip.IsValid() && lvsFamily(ip) != lvsFamily(ap.Addr()) {
		a.warnf(n.Pos, "Address family of virtual server and sorry server %s don't match - skipping sorry server.", ap.Addr())
		return
	}
	st.vs.EditOptions().Sorry = &ipvs.RealServer{Source: n.Pos.src(), Addr: ap, Weight: 1}
}

// vsSorryInhibit: keepalived sets the flag on the sorry server, so it
// must come after sorry_server.
func vsSorryInhibit(a *analyzer, n *Node, st *vsState) {
	if st.vs.Options().Sorry == nil {
		a.warnf(n.Pos, "Ignoring sorry_server inhibit used before or without sorry_server")
		return
	}
	st.vs.EditOptions().SorryInhibit = a.argFlag(n)
}

// lvsAddrPort reads `IP [PORT]`.
func lvsAddrPort(args []string) (netip.AddrPort, error) {
	if len(args) == 0 {
		return netip.AddrPort{}, fmt.Errorf("no address given")
	}
	ip, err := netip.ParseAddr(args[0])
	if err != nil || ip.Zone() != "" {
		return netip.AddrPort{}, fmt.Errorf("invalid address '%s'", args[0])
	}
	var port uint64
	if len(args) > 1 {
		if port, err = strconv.ParseUint(args[1], 10, 16); err != nil {
			return netip.AddrPort{}, fmt.Errorf("invalid port '%s'", args[1])
		}
	}
	return netip.AddrPortFrom(ip, uint16(port)), nil
}

// vsFlag is a virtual server keyword that keepalived reads as a bare
// flag (see argFlag).
func vsFlag(set func(*ipvs.VirtualServer)) vsh {
	return func(a *analyzer, n *Node, st *vsState) {
		a.argFlag(n)
		set(&st.vs)
	}
}

// argFlag is a keyword keepalived 2.2.7 takes as a bare flag: a value
// after it is not read, so `alpha off` turns alpha on. govrrpd does the
// same, so the file means what it means to keepalived, and says so.
func (a *analyzer) argFlag(n *Node) bool {
	if len(n.Args) > 0 {
		a.infof(n.Pos, "'%s %s': keepalived ignores the value and sets %s; so does govrrpd (remove the value, or the keyword)",
			n.Key, n.Args[0].Text, n.Key)
	}
	return true
}

func vsInt(lo, hi int, set func(*ipvs.VirtualServer, int)) vsh {
	return func(a *analyzer, n *Node, st *vsState) {
		if v, ok := a.argInt(n, 0, lo, hi); ok {
			set(&st.vs, v)
		}
	}
}

func vsTimer(lo, hi time.Duration, set func(*ipvs.VirtualServer, time.Duration)) vsh {
	return func(a *analyzer, n *Node, st *vsState) {
		if d, ok := a.argTimer(n, 0, lo, hi); ok {
			set(&st.vs, d)
		}
	}
}

func vsScript(field func(*ipvs.VirtualServer) **scriptSpec) vsh {
	return func(a *analyzer, n *Node, st *vsState) { lvsScript(a, n, field(&st.vs)) }
}

// lvsScript reads a quorum or notify script into dst; as in keepalived,
// the first one given stays.
func lvsScript(a *analyzer, n *Node, dst **scriptSpec) {
	if *dst != nil {
		a.warnf(n.Pos, "%s script already specified - ignoring %s", n.Key, argOr(n))
		return
	}
	if spec, ok := a.script(n); ok && !spec.IsZero() {
		*dst = &spec
	}
}

// lvsSNMPName reads snmp_name, which keepalived wants as exactly one word.
func lvsSNMPName(a *analyzer, n *Node, server string) (string, bool) {
	if len(n.Args) != 1 {
		a.warnf(n.Pos, "%s server snmp_name missing or extra parameters", server)
		return "", false
	}
	return n.Args[0].Text, true
}

// vsName names a virtual server the way keepalived's messages do.
func vsName(v *ipvs.VirtualServer) string {
	switch {
	case v.FWMark != 0:
		return fmt.Sprintf("FWM %d", v.FWMark)
	case v.Group != "":
		return "group " + v.Group
	}
	p := "none"
	if v.Protocol != 0 {
		p = strings.ToLower(v.Protocol.String())
	}
	return fmt.Sprintf("[%s]:%s:%d", v.Addr.Addr(), p, v.Addr.Port())
}
