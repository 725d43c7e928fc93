package snmpmib

import (
	"net/netip"

	"github.com/govrrpd/govrrpd/internal/status"
)

// schedulers are virtualServerLoadBalancingAlgo's codes.
var schedulers = map[string]int{"rr": 1, "wrr": 2, "lc": 3, "wlc": 4, "lblc": 5, "lblcr": 6, "dh": 7, "sh": 8,
	"sed": 9, "nq": 10, "fo": 11, "ovf": 12, "mh": 13, "twos": 14}

// protocols are virtualServerProtocol's codes; a fwmark service has none.
var protocols = map[string]int{"TCP": 1, "UDP": 2, "SCTP": 3}

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
	if p, ok := protocols[vs.Protocol]; ok {
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
		if t, a, ok := inet(vs.Addr); ok {
			b.int(col(5), t)
			b.str(col(6), string(a))
			b.gauge(col(7), uint64(vs.Port))
		}
		b.int(col(8), VSProtocol(vs))
		if s, ok := schedulers[vs.Scheduler]; ok {
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
		b.gauge(col(27), st.Conns)
		b.counter(col(28), st.InPkts)
		b.counter(col(29), st.OutPkts)
		b.counter(col(30), st.InBytes)
		b.counter(col(31), st.OutBytes)
		b.gauge(col(32), st.CPS)
		b.gauge(col(33), st.InPPS)
		b.gauge(col(34), st.OutPPS)
		b.gauge(col(35), st.InBPS)
		b.gauge(col(36), st.OutBPS)
		b.counter64(col(38), st.Conns)
		b.counter64(col(39), st.InPkts)
		b.counter64(col(40), st.OutPkts)
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
			rst := rs.Stats
			b.gauge(rcol(14), rst.Conns)
			b.counter(rcol(18), rst.InPkts)
			b.counter(rcol(19), rst.OutPkts)
			b.counter(rcol(20), rst.InBytes)
			b.counter(rcol(21), rst.OutBytes)
			b.counter64(rcol(27), rst.Conns)
			b.counter64(rcol(28), rst.InPkts)
			b.counter64(rcol(29), rst.OutPkts)
		}
	}
}
