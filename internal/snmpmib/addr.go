package snmpmib

import "github.com/govrrpd/govrrpd/internal/status"

// addresses is vrrpAddressTable for instance i: its VIPs, then its
// excluded VIPs, numbered from 1 within the instance as keepalived walks
// them. Static addresses (keepalived's instance 0) are not listed: the
// snapshot does not say whether they are set.
func (b *builder) addresses(i int, in status.Instance, c InstanceConf) {
	n := uint32(0)
	for k, list := range [][]VIPConf{c.VIPs, c.ExcludedVIPs} {
		for _, v := range list {
			n++
			b.address(KeepalivedVR.Append(6, 1), uint32(i+1), n, in, v, k == 0)
		}
	}
}

func (b *builder) address(table []uint32, inst, n uint32, in status.Instance, v VIPConf, advertised bool) {
	col := func(c uint32) []uint32 { return append(append([]uint32(nil), table...), c, inst, n) }
	a := v.Prefix.Addr()
	t, raw, ok := inet(a.String())
	if !ok {
		return
	}
	b.int(col(2), t)
	b.str(col(3), string(raw))
	if a.Is4() {
		brd := v.broadcast()
		b.str(col(4), string(brd[:]))
	}
	b.gauge(col(5), uint64(v.Prefix.Bits()))
	b.int(col(6), scopeCode(v.Scope))
	dev := v.Dev
	if dev == "" {
		dev = in.Interface
	}
	b.int(col(7), b.h.IfIndex(dev))
	b.str(col(8), dev)
	if v.Label != "" {
		b.str(col(9), v.Label)
	}
	// govrrpd holds an instance's addresses exactly while it is MASTER.
	b.int(col(10), truth(in.State == "MASTER"))
	b.int(col(11), truth(advertised))
	if _, p, ok := inet(v.Peer.String()); ok && v.Peer.IsValid() {
		b.str(col(12), string(p))
	}
}
