package snmpmib

import (
	"net/netip"
	"slices"

	"github.com/govrrpd/govrrpd/internal/status"
)

// schedulers are virtualServerLoadBalancingAlgo's codes, from 1.
var schedulers = [...]string{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"}

// protocols are virtualServerProtocol's codes, from 1; a fwmark service
// has none.
var protocols = [...]string{"TCP", "UDP", "SCTP"}

// code is name's code in names (its place from 1), if it is there.
// Arrays, not maps: the package initialises nothing at start.
func code(names []string, name string) (int, bool) {
	i := slices.Index(names, name)
	return i + 1, i >= 0
}

// inet is an InetAddressType and InetAddress pair.
func inet(s string) (int, []byte, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return 0, nil, false
	}
	if a.Is4() {
		return 1, a.AsSlice(), true
	}
	return 2, a.AsSlice(), true
}

// VSUp counts a virtual server's live real servers.
func VSUp(vs status.VirtualServer) int {
	n := 0
	for _, r := range vs.Reals {
		if r.Healthy {
			n++
		}
	}
	return n
}

// VSType is virtualServerType: fwmark(1), ip(2), group(3).
func VSType(vs status.VirtualServer) int {
	switch {
	case vs.Fwmark != 0:
		return 1
	case vs.Addr != "":
		return 2
	}
	return 3
}

// VSProtocol is virtualServerProtocol: tcp(1) udp(2) sctp(3) none(4).
func VSProtocol(vs status.VirtualServer) int {
	if p, ok := code(protocols[:], vs.Protocol); ok {
		return p
	}
	return 4
}

// keepalivedCheck is KEEPALIVED-MIB's virtualServerTable and
// realServerTable, indexed by position as keepalived numbers them.
func (b *builder) keepalivedCheck(d status.Daemon) {
	for v, vs := range d.VirtualServers {
		vi := uint32(v + 1)
		col := func(c uint32) []uint32 { return KeepalivedChk.Append(3, 1, c, vi) }
		b.int(col(2), VSType(vs))
		if vs.Fwmark != 0 {
			b.gauge(col(4), uint64(vs.Fwmark))
		}
		c, hasConf := b.h.VirtualServers[vs.Key]
		if t, a, ok := inet(vs.Addr); ok {
			b.int(col(5), t)
			b.str(col(6), string(a))
			b.gauge(col(7), uint64(vs.Port))
		} else if hasConf {
			b.int(col(5), 1+btoi(c.IPv6)) // keepalived gives a fwmark service its family too
		}
		b.int(col(8), VSProtocol(vs))
		if s, ok := code(schedulers[:], vs.Scheduler); ok {
			b.int(col(9), s)
		} else {
			b.int(col(9), 99)
		}
		up := VSUp(vs)
		b.int(col(11), truth(up > 0))
		b.gauge(col(20), uint64(len(vs.Reals)))
		b.gauge(col(21), uint64(up))
		b.int(col(23), truth(vs.Quorum))
		st := vs.Stats
		b.ipvsStats(col, st, vsStatCols)
		b.rates(col, st, vsRateCols)
		if hasConf {
			b.vsConf(col, c)
		}
		for r, rs := range vs.Reals {
			rcol := func(c uint32) []uint32 { return KeepalivedChk.Append(4, 1, c, vi, uint32(r+1)) }
			b.int(rcol(2), 1)
			if t, a, ok := inet(rs.Addr); ok {
				b.int(rcol(3), t)
				b.str(rcol(4), string(a))
			}
			b.gauge(rcol(5), uint64(rs.Port))
			b.int(rcol(6), truth(rs.Healthy))
			b.int(rcol(7), rs.WeightCurrent)
			b.gauge(rcol(13), failedChecks(rs))
			b.ipvsStats(rcol, rs.Stats, rsStatCols)
			b.rates(rcol, rs.Stats, rsRateCols)
			if rc, ok := c.Reals[rs.Key]; ok && hasConf {
				b.rsConf(rcol, rc)
			}
		}
	}
}

// statCols are where a table keeps the IPVS counters: connections (a
// gauge), packets in and out (32-bit counters), bytes in and out (64-bit
// counters, as keepalived's MIB types them), and connections and packets
// again as 64-bit counters.
type statCols struct{ conns, inPkts, outPkts, inBytes, outBytes, conns64, inPkts64, outPkts64 uint32 }

var (
	vsStatCols = statCols{27, 28, 29, 30, 31, 38, 39, 40}
	rsStatCols = statCols{14, 18, 19, 20, 21, 27, 28, 29}
)

func (b *builder) ipvsStats(col func(uint32) []uint32, st status.IPVSStats, c statCols) {
	b.gauge(col(c.conns), st.Conns)
	b.counter(col(c.inPkts), st.InPkts)
	b.counter(col(c.outPkts), st.OutPkts)
	b.counter64(col(c.inBytes), st.InBytes)
	b.counter64(col(c.outBytes), st.OutBytes)
	b.counter64(col(c.conns64), st.Conns)
	b.counter64(col(c.inPkts64), st.InPkts)
	b.counter64(col(c.outPkts64), st.OutPkts)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
