package confparse

import (
	"net/netip"
	"time"
	"unsafe"

	"github.com/govrrpd/govrrpd/ipvs"
)

// real_server blocks and the end-of-block work on a virtual server.

// rsState is a real server while its block is read. Its checkers are kept
// unresolved until the virtual server is complete, because timers and the
// service key they inherit may be set later in the virtual server block.
type rsState struct {
	rs        ipvs.RealServer
	pos       Pos
	weightSet bool
	checkers  []chkState
}

type rsh = handler[*rsState]

func semRealServer(a *analyzer, n *Node, vst *vsState) {
	ap, err := lvsAddrPort(n.ArgStrings())
	if err != nil {
		a.warnf(n.Pos, "real_server: %v - skipping block", err)
		return
	}
	// The state lives in the virtual server's list from the start: nothing
	// inside a real_server block adds another real server.
	// Its checker list reuses the memory of the state it overwrites.
	var chks []chkState
	if i := len(vst.reals); i < cap(vst.reals) {
		chks = vst.reals[:i+1][i].checkers[:0]
	}
	vst.reals = append(vst.reals, rsState{rs: ipvs.RealServer{Source: n.Pos.src(), Addr: ap}, pos: n.Pos, checkers: chks})
	children(a, n, rsTable, &vst.reals[len(vst.reals)-1], "real_server")
}

// vsScratch returns the state for a new virtual server, reusing the
// previous one's memory (its real-server list above all): virtual servers
// are read one at a time, and on 10,000 of them fresh states were a fifth
// of Load's garbage.
func (a *analyzer) vsScratch() *vsState {
	st := a.vsState
	if st == nil {
		st = &vsState{}
		a.vsState = st
	}
	// The old real servers stay in the list's spare capacity: their
	// checker lists are reused (semRealServer) and everything else they
	// point to was copied into the previous virtual server.
	*st = vsState{reals: st.reals[:0]}
	return st
}

var rsTable = table[*rsState]{
	"weight": func(a *analyzer, n *Node, st *rsState) {
		if v, ok := a.argInt(n, 0, 0, lvsMaxInt); ok {
			st.rs.Weight, st.weightSet = v, true
		}
	},
	"lvs_method": func(a *analyzer, n *Node, st *rsState) {
		if f, ok := lvsForwarding(a, n); ok {
			st.rs.Forwarding = &f
		}
	},
	"notify_up":          rsScript(func(r *ipvs.RealServer) **scriptSpec { return &r.EditOptions().NotifyUp }),
	"notify_down":        rsScript(func(r *ipvs.RealServer) **scriptSpec { return &r.EditOptions().NotifyDown }),
	"uthreshold":         rsThreshold(func(r *ipvs.RealServer, v uint32) { r.UThreshold = v }),
	"lthreshold":         rsThreshold(func(r *ipvs.RealServer, v uint32) { r.LThreshold = v }),
	"inhibit_on_failure": rsBool(func(r *ipvs.RealServer, b *bool) { r.Inhibit = b }),
	"alpha":              rsBool(func(r *ipvs.RealServer, b *bool) { r.EditOptions().Alpha = b }),
	"smtp_alert":         rsBool(func(r *ipvs.RealServer, b *bool) { r.EditOptions().SMTPAlert = b }),
	"retry": func(a *analyzer, n *Node, st *rsState) {
		if v, ok := a.argInt(n, 0, 1, kaUintMax); ok {
			st.rs.EditOptions().Retry = &v
		}
	},
	"delay_before_retry": rsTimer(0, lvsMaxLongTimer, func(r *ipvs.RealServer, d time.Duration) { r.EditOptions().DelayBeforeRetry = &d }),
	"warmup":             rsTimer(0, lvsMaxLongTimer, func(r *ipvs.RealServer, d time.Duration) { r.EditOptions().Warmup = &d }),
	"connect_timeout":    rsTimer(lvsMinTimer, lvsMaxTimer, func(r *ipvs.RealServer, d time.Duration) { r.EditOptions().ConnectTimeout = d }),
	"delay_loop":         rsTimer(lvsMinTimer, lvsMaxLongTimer, func(r *ipvs.RealServer, d time.Duration) { r.EditOptions().DelayLoop = d }),
	"virtualhost": func(a *analyzer, n *Node, st *rsState) {
		if s, ok := a.arg(n, 0); ok {
			st.rs.EditOptions().Virtualhost = s
		}
	},
	"snmp_name": func(a *analyzer, n *Node, st *rsState) {
		if s, ok := lvsSNMPName(a, n, "real"); ok {
			st.rs.EditOptions().SNMPName = s
		}
	},
}

func rsScript(field func(*ipvs.RealServer) **scriptSpec) rsh {
	return func(a *analyzer, n *Node, st *rsState) { lvsScript(a, n, field(&st.rs)) }
}

func rsThreshold(set func(*ipvs.RealServer, uint32)) rsh {
	return func(a *analyzer, n *Node, st *rsState) {
		if v, ok := a.argInt(n, 0, 0, kaUintMax); ok {
			set(&st.rs, uint32(v))
		}
	}
}

func rsBool(set func(*ipvs.RealServer, *bool)) rsh {
	return func(a *analyzer, n *Node, st *rsState) {
		b := a.argBool(n, 0)
		set(&st.rs, &b)
	}
}

func rsTimer(lo, hi time.Duration, set func(*ipvs.RealServer, time.Duration)) rsh {
	return func(a *analyzer, n *Node, st *rsState) {
		if d, ok := a.argTimer(n, 0, lo, hi); ok {
			set(&st.rs, d)
		}
	}
}

// vsFinish applies keepalived's end-of-block defaults and corrections, in
// keepalived's order, and reports whether the virtual server is kept.
func vsFinish(a *analyzer, n *Node, st *vsState) (ipvs.VirtualServer, bool) {
	vs := &st.vs
	switch {
	case vs.FWMark != 0:
		if st.protoSet {
			a.warnf(n.Pos, "Warning: Virtual server %s: protocol specified for fwmark - protocol will be ignored", vsName(vs))
		}
		vs.Protocol = 0
	case !st.protoSet:
		a.warnf(n.Pos, "Virtual server %s: no protocol set - defaulting to UDP", vsName(vs))
		vs.Protocol = ipvs.UDP
	}
	if !st.schedSet {
		a.warnf(n.Pos, "Virtual server %s: no scheduler set, setting default 'wlc'", vsName(vs))
		vs.Scheduler = "wlc"
	}
	if !st.methodSet {
		a.warnf(n.Pos, "Virtual server %s: no forwarding method set, setting default NAT", vsName(vs))
	}
	if vs.FWMark == 0 && vs.Group == "" && vs.Addr.Port() == 0 && vs.Persistence == 0 {
		a.warnf(n.Pos, "Virtual server %s: zero port only valid for persistent services - setting", vsName(vs))
		vs.Persistence = 360 * time.Second
	}
	if vs.OPS && vs.Protocol != ipvs.UDP {
		a.warnf(n.Pos, "Virtual server %s: one packet scheduling requires UDP - ignoring", vsName(vs))
		vs.OPS = false
	}
	if !st.familySet && !vs.Addr.Addr().IsValid() && len(st.reals) > 0 {
		vs.Family = lvsFamily(st.reals[0].rs.Addr.Addr())
	}
	vsFinishReals(a, st)
	if len(st.reals) == 0 {
		a.warnf(n.Pos, "Virtual server %s has no real servers - ignoring", vsName(vs))
		return *vs, false
	}
	vsFinishQuorum(a, n, vs)
	return *vs, true
}

// vsFinishQuorum is keepalived's check that the quorum can be reached by
// the real servers' weights, and that hysteresis stays below it.
func vsFinishQuorum(a *analyzer, n *Node, vs *ipvs.VirtualServer) {
	sum := 0
	for i := range vs.Reals {
		sum += vs.Reals[i].Weight
	}
	if vs.Quorum > sum {
		a.warnf(n.Pos, "Warning - quorum %d for %s exceeds total weight of real servers %d, reducing quorum to %d", vs.Quorum, vsName(vs), sum, sum)
		vs.Quorum = sum
	}
	if vs.Options().Hysteresis >= vs.Quorum {
		h := max(vs.Quorum-1, 0)
		a.warnf(n.Pos, "Virtual server %s: hysteresis %d >= quorum %d; setting hysteresis to %d", vsName(vs), vs.Options().Hysteresis, vs.Quorum, h)
		vs.EditOptions().Hysteresis = h
	}
}

// vsFinishReals sets real-server weights and ports and drops duplicates.
func vsFinishReals(a *analyzer, st *vsState) {
	vs := &st.vs
	kept := st.reals[:0]
	var seen map[netip.AddrPort]bool
	for i := range st.reals {
		r := &st.reals[i]
		if !r.weightSet {
			r.rs.Weight = vs.Weight
		}
		m := vs.Forwarding.Method
		if r.rs.Forwarding != nil {
			m = r.rs.Forwarding.Method
		}
		fam := vsAddrFamily(vs)
		if mixed := fam != 0 && lvsFamily(r.rs.Addr.Addr()) != fam; mixed && m != ipvs.TUN {
			// keepalived drops it: only a tunnel may cross families.
			a.warnf(r.pos, "Address family of virtual server and real server %s don't match - skipping real server.", r.rs.Addr.Addr())
			continue
		} else if mixed {
			a.warnf(r.pos, "Virtual server %s: IPv%d real server %s in an IPv%d service is not supported by govrrpd",
				vsName(vs), lvsFamily(r.rs.Addr.Addr()), r.rs.Addr, fam)
		}
		port := r.rs.Addr.Port()
		switch {
		case m == ipvs.NAT:
		case vs.FWMark != 0 && port != 0:
			a.warnf(r.pos, "WARNING - fwmark virtual server %s, real server %s has port specified - clearing", vsName(vs), r.rs.Addr)
			r.rs.Addr = netip.AddrPortFrom(r.rs.Addr.Addr(), 0)
		case vs.FWMark == 0 && vs.Group == "" && port != vs.Addr.Port():
			if port != 0 {
				a.warnf(r.pos, "WARNING - virtual server %s and real server %s ports don't match - resetting", vsName(vs), r.rs.Addr)
			}
			r.rs.Addr = netip.AddrPortFrom(r.rs.Addr.Addr(), vs.Addr.Port())
		}
		if rsDuplicate(kept, r.rs.Addr, &seen) {
			a.warnf(r.pos, "VS %s: real server %s is duplicated - removing second rs", vsName(vs), r.rs.Addr)
			continue
		}
		// Swapped, not copied, into place: each slot must keep a checker
		// list of its own for the next virtual server (vsScratch).
		k := len(kept)
		st.reals[k], st.reals[i] = st.reals[i], st.reals[k]
		kept = st.reals[:k+1]
	}
	st.reals = kept
	vs.Reals = a.newReals(len(kept))
	for i, r := range kept {
		vs.Reals[i] = r.rs
	}
}

// vsAddrFamily is the family of an address or fwmark service (0 for a
// group, whose entries carry their own): moby/ipvs never sends a
// destination's family, so a real server of the other one cannot be set.
func vsAddrFamily(vs *ipvs.VirtualServer) uint8 {
	if a := vs.Addr.Addr(); a.IsValid() {
		return lvsFamily(a.Unmap())
	}
	if vs.FWMark != 0 {
		return vs.Family
	}
	return 0
}

// rsDuplicate reports whether addr is among the real servers kept so far.
// A virtual server has a few real servers, and a map for each was 7 MB of
// garbage on 10,000 of them, so short lists are scanned; seen takes over
// for long ones, where scanning would be quadratic.
func rsDuplicate(kept []rsState, addr netip.AddrPort, seen *map[netip.AddrPort]bool) bool {
	if len(kept) < rsScanMax {
		for i := range kept {
			if kept[i].rs.Addr == addr {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[netip.AddrPort]bool, 2*len(kept))
		for i := range kept {
			(*seen)[kept[i].rs.Addr] = true
		}
	}
	if (*seen)[addr] {
		return true
	}
	(*seen)[addr] = true
	return false
}

// rsScanMax is the longest list rsDuplicate scans.
const rsScanMax = 64

// newReals returns n zero real servers, capped, from a block shared with
// other virtual servers: one allocation per virtual server left the last
// part of a size class unused on each (a virtual server of ten real
// servers needs 1760 bytes of a 1792-byte class).
func (a *analyzer) newReals(n int) []ipvs.RealServer {
	if n == 0 {
		return []ipvs.RealServer{}
	}
	if n > len(a.rsSlab) {
		if n > rsSlabSize/4 {
			return make([]ipvs.RealServer, n)
		}
		a.rsSlab = make([]ipvs.RealServer, rsSlabSize)
	}
	out := a.rsSlab[:n:n]
	a.rsSlab = a.rsSlab[n:]
	return out
}

// rsSlabSize is the number of real servers per block: as many as fill 128
// KiB, a whole number of pages.
const rsSlabSize = (128 << 10) / int(unsafe.Sizeof(ipvs.RealServer{}))
