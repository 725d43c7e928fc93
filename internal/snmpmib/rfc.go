package snmpmib

import (
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// rfcRow is what both RFC tables need of one instance.
type rfcRow struct {
	in      status.Instance
	c       InstanceConf
	hasConf bool
	ifi     uint32
}

// primary is the address the instance sends from: the configured source,
// else the interface's primary address of its family.
func (b *builder) primary(r rfcRow) netip.Addr {
	if r.c.Src.IsValid() {
		return r.c.Src
	}
	return b.h.IfAddr(r.in.Interface, r.in.Family == "inet6")
}

// mac is the hardware address the instance sends from.
func (b *builder) mac(r rfcRow) []byte {
	if r.c.MACIf != "" {
		return b.h.IfMAC(r.c.MACIf)
	}
	return b.h.IfMAC(r.in.Interface)
}

// rfc2787 is VRRP-MIB for VRRPv2 IPv4 instances: vrrpOperTable and
// vrrpAssoIpAddrTable indexed by ifIndex and VRID, and the statistics.
func (b *builder) rfc2787(d status.Daemon) {
	b.int(VRRPMIB.Append(1, 1, 0), 2) // vrrpNodeVersion
	b.int(VRRPMIB.Append(1, 2, 0), truth(b.h.Global.Traps))
	var sum dropSums
	for _, in := range d.Instances {
		if in.Version != 2 || in.Family != "inet" {
			continue
		}
		c, ok := b.h.Instances[in.Name]
		r := rfcRow{in: in, c: c, hasConf: ok, ifi: uint32(b.h.IfIndex(in.Interface))}
		col := func(c uint32) []uint32 { return VRRPMIB.Append(1, 3, 1, c, r.ifi, uint32(in.VRID)) }
		if m := b.mac(r); m != nil {
			b.str(col(2), string(m))
		}
		b.int(col(3), rfcState(in.State))
		b.int(col(4), 1) // vrrpOperAdminState: up
		b.int(col(5), in.Priority)
		b.int(col(6), len(in.VIPs))
		if a, err := netip.ParseAddr(in.MasterAddr); err == nil && a.Is4() {
			b.add(col(7), ipAddress, a.As4())
		}
		if a := b.primary(r); a.Is4() {
			b.add(col(8), ipAddress, a.As4())
		}
		if ok {
			b.int(col(9), c.AuthType+1) // noAuthentication(1) simpleTextPassword(2) ipAuthenticationHeader(3)
			b.int(col(12), truth(c.Preempt))
			for _, v := range c.VIPs {
				if a := v.Prefix.Addr(); a.Is4() {
					b.int(VRRPMIB.Append(append([]uint32{1, 4, 1, 2, r.ifi, uint32(in.VRID)}, octets(a)...)...), 1)
				}
			}
		}
		b.int(col(11), int(time.Duration(in.AdvertInt)/time.Second))
		b.int(col(14), 1) // vrrpOperProtocol: ip
		b.int(col(15), 1) // vrrpOperRowStatus: active
		st := dropsOf(in.Stats)
		sum.add(st)
		scol := func(c uint32) []uint32 { return VRRPMIB.Append(2, 4, 1, c, r.ifi, uint32(in.VRID)) }
		for c, n := range []uint64{in.Stats.BecameMaster, in.Stats.AdvertsReceived, st.interval, st.authFail, st.ttl,
			in.Stats.PriZeroReceived, in.Stats.PriZeroSent, st.invalidType, st.addrList, st.authInvalid, st.authMismatch, st.length} {
			b.counter(scol(uint32(c+1)), n)
		}
	}
	b.counter(VRRPMIB.Append(2, 1, 0), sum.checksum)
	b.counter(VRRPMIB.Append(2, 2, 0), sum.version)
	b.counter(VRRPMIB.Append(2, 3, 0), sum.vrid)
}

// rfc6527 is VRRPv3-MIB's operations, associated address and statistics
// tables, indexed by ifIndex, VRID and address type, for instances with
// at least one address. Like Debian's keepalived (built to answer
// VRRPv3-MIB for VRRPv2 instances too), it lists VRRPv2 instances as well.
func (b *builder) rfc6527(d status.Daemon) {
	var sum dropSums
	for _, in := range d.Instances {
		if len(in.VIPs) == 0 {
			continue
		}
		c, ok := b.h.Instances[in.Name]
		r := rfcRow{in: in, c: c, hasConf: ok, ifi: uint32(b.h.IfIndex(in.Interface))}
		at := uint32(1)
		if in.Family == "inet6" {
			at = 2
		}
		idx := []uint32{r.ifi, uint32(in.VRID), at}
		col := func(c uint32) []uint32 { return VRRPv3MIB.Append(append([]uint32{1, 1, 1, 1, c}, idx...)...) }
		if a, err := netip.ParseAddr(in.MasterAddr); err == nil {
			b.str(col(3), string(a.AsSlice()))
		}
		if a := b.primary(r); a.IsValid() {
			b.str(col(4), string(a.AsSlice()))
		}
		if m := b.mac(r); m != nil {
			b.str(col(5), string(m))
		}
		b.int(col(6), rfcState(in.State))
		b.gauge(col(7), uint64(in.Priority))
		b.int(col(8), len(in.VIPs))
		b.int(col(9), int(time.Duration(in.AdvertInt)/(10*time.Millisecond)))
		if ok {
			b.int(col(10), truth(c.Preempt))
			b.int(col(11), truth(c.Accept))
			for _, v := range c.VIPs {
				b.int(VRRPv3MIB.Append(append(append([]uint32{1, 1, 2, 1, 2}, idx...), octets(v.Prefix.Addr())...)...), 1)
			}
		}
		b.int(col(13), 1) // vrrpv3OperationsRowStatus: active
		b.v3Stats(in, idx, &sum)
	}
	b.counter64(VRRPv3MIB.Append(1, 2, 1, 0), sum.checksum)
	b.counter64(VRRPv3MIB.Append(1, 2, 2, 0), sum.version)
	b.counter64(VRRPv3MIB.Append(1, 2, 3, 0), sum.vrid)
}

// v3Stats is one vrrpv3StatisticsTable row. The discontinuity times are
// not served: govrrpd's counters restart when SIGRTMAX-1 clears them, at
// a time the master agent's sysUpTime does not tell.
func (b *builder) v3Stats(in status.Instance, idx []uint32, sum *dropSums) {
	col := func(c uint32) []uint32 { return VRRPv3MIB.Append(append([]uint32{1, 2, 5, 1, c}, idx...)...) }
	st := dropsOf(in.Stats)
	sum.add(st)
	b.counter(col(1), in.Stats.BecameMaster)
	if r, ok := masterReason(in); ok {
		b.int(col(2), r)
	}
	for _, c := range [...]struct {
		col uint32
		n   uint64
	}{{3, in.Stats.AdvertsReceived}, {4, st.interval}, {5, st.ttl}, {7, in.Stats.PriZeroReceived},
		{8, in.Stats.PriZeroSent}, {9, st.invalidType}, {10, st.addrList}, {11, st.length}} {
		b.counter64(col(c.col), c.n)
	}
	if r, ok := st.protoErr(); ok {
		b.int(col(6), r)
	}
	b.gauge(col(13), uint64(time.Duration(in.AdvertInt)/(10*time.Millisecond)*10)) // refresh rate, ms
}

// masterReason is vrrpv3StatisticsNewMasterReason: notMaster(0) before
// the instance was ever master, else why it last became master — known
// while it still is.
func masterReason(in status.Instance) (int, bool) {
	switch {
	case in.State == "MASTER":
		return newMasterReason(in.LastReason), true
	case in.Stats.BecameMaster == 0:
		return 0, true
	}
	return 0, false
}

// octets is an address as an index: its bytes, one sub-identifier each.
func octets(a netip.Addr) []uint32 {
	var out []uint32
	for _, x := range a.AsSlice() {
		out = append(out, uint32(x))
	}
	return out
}
