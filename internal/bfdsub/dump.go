package bfdsub

import (
	"bytes"
	"fmt"
	"time"
)

// Dump is the SIGUSR1 text (keepalived's /tmp/keepalived_bfd.data): each
// session's settings in keepalived's wording, then its state.
func (s *Subsystem) Dump() []byte {
	var b bytes.Buffer
	b.WriteString("------< BFD Topology >------\n")
	us := func(d time.Duration) int64 { return d.Microseconds() }
	yes := func(v bool) string {
		if v {
			return "Yes"
		}
		return "No"
	}
	for _, st := range s.Snapshot() {
		in := st.Inst
		fmt.Fprintf(&b, " BFD Instance = %s\n   Neighbor IP = %s\n", st.Name, st.Neighbor)
		if in.Settings.Source.IsValid() {
			fmt.Fprintf(&b, "   Source IP = %s\n", in.Settings.Source)
		}
		ttl := "TTL"
		if st.Neighbor.Is6() {
			ttl = "hoplimit"
		}
		fmt.Fprintf(&b, "   Required min RX interval = %d us\n   Desired min TX interval = %d us\n"+
			"   Desired idle TX interval = %d us\n   Detection multiplier = %d\n   %s = %d\n   max_hops = %d\n"+
			"   passive = %t\n   send event to VRRP process = %s\n   send event to checker process = %s\n",
			us(in.MinRx), us(in.MinTx), us(in.IdleTx), in.Multiplier, ttl, in.SendTTL(), in.MaxHops,
			in.Passive, yes(in.ToVRRP), yes(in.ToChecker))
		fmt.Fprintf(&b, "   local state = %s\n   remote state = %s\n   local discriminator = 0x%x\n"+
			"   remote discriminator = 0x%x\n   local diag = %s\n   transmit interval = %d us\n"+
			"   detection time = %d us\n", st.State, st.Remote, st.Local, st.RemoteD, st.Diag,
			us(st.TxInterval), us(st.DetectTime))
	}
	return b.Bytes()
}
