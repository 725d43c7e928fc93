package snmpmib

import (
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// VSConf is what the configuration says of a virtual server that the
// status snapshot does not carry.
type VSConf struct {
	// Kind is virtualServerLoadBalancingKind: nat(1) dr(2) tun(3).
	Kind           int
	IPv6           bool // the service's family (a fwmark service's ip_family)
	Virtualhost    string
	Persistence    time.Duration
	DelayLoop      time.Duration
	HASuspend, OPS bool
	Alpha, Omega   bool
	Quorum         int
	Hysteresis     int
	Inhibit        bool // inhibit_on_failure
	Weight         int
	Name           string // snmp_name
	Reals          map[string]RSConf
}

// RSConf is a real server's settings, keyed in VSConf.Reals by its
// status key ("192.0.2.21:80").
type RSConf struct {
	Kind                   int
	UThreshold, LThreshold uint32
	Inhibit                bool
	Virtualhost            string
	Name                   string
}

// vsConf is virtualServerTable's columns that come from the
// configuration, with keepalived's units (seconds, and microseconds for
// the …Usec columns) and TruthValues.
func (b *builder) vsConf(col func(uint32) []uint32, c VSConf) {
	if c.Kind != 0 {
		b.int(col(10), c.Kind)
	}
	if c.Virtualhost != "" {
		b.str(col(12), c.Virtualhost)
	}
	b.int(col(13), truth(c.Persistence > 0))
	if c.Persistence > 0 {
		b.gauge(col(14), uint64(c.Persistence/time.Second))
	}
	b.gauge(col(16), uint64(c.DelayLoop/time.Second))
	b.int(col(17), truth(c.HASuspend))
	b.int(col(18), truth(c.Alpha))
	b.int(col(19), truth(c.Omega))
	b.gauge(col(22), uint64(c.Quorum))
	b.gauge(col(26), uint64(c.Hysteresis))
	b.int(col(37), truth(c.OPS))
	b.int(col(56), truth(!c.Inhibit))
	b.int(col(60), c.Weight)
	b.gauge(col(64), uint64(c.DelayLoop/time.Microsecond))
	if c.Name != "" {
		b.str(col(71), c.Name)
	}
}

// rsConf is realServerTable's columns from the configuration.
func (b *builder) rsConf(col func(uint32) []uint32, c RSConf) {
	if c.UThreshold != 0 {
		b.gauge(col(8), uint64(c.UThreshold))
	}
	if c.LThreshold != 0 {
		b.gauge(col(9), uint64(c.LThreshold))
	}
	b.int(col(10), truth(!c.Inhibit))
	if c.Kind != 0 {
		b.int(col(40), c.Kind)
	}
	if c.Virtualhost != "" {
		b.str(col(41), c.Virtualhost)
	}
	if c.Name != "" {
		b.str(col(55), c.Name)
	}
}

// rates are the IPVS rates: 32-bit gauges, each again as its low and high
// 32 bits (unsigned), and as 64-bit counters where the table has them.
type rateCols struct{ gauge, lowHigh, c64 uint32 }

var (
	vsRateCols = rateCols{32, 41, 74}
	rsRateCols = rateCols{22, 30, 0}
)

func (b *builder) rates(col func(uint32) []uint32, st status.IPVSStats, c rateCols) {
	for i, r := range []uint64{st.CPS, st.InPPS, st.OutPPS, st.InBPS, st.OutBPS} {
		n := uint32(i)
		b.gauge(col(c.gauge+n), r)
		b.gauge(col(c.lowHigh+2*n), r&0xffffffff)
		b.gauge(col(c.lowHigh+2*n+1), r>>32)
		if c.c64 != 0 {
			b.counter64(col(c.c64+n), r)
		}
	}
}

// failedChecks is realServerFailedChecks: the checkers now down.
func failedChecks(r status.RealServer) uint64 {
	n := uint64(0)
	for _, c := range r.Checkers {
		if !c.Up {
			n++
		}
	}
	return n
}
