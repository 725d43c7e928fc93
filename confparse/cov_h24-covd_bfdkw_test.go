package confparse

import (
	"testing"
	"time"
)

// bfd_instance keywords at and just past the edges of their ranges, each
// row as keepalived 2.2.7 -t reads it: a value it refuses leaves the
// keyword's default (keepalived adds its own "BFD instance ... not valid"
// line after the range message; only the latter is pinned here).

// bfd0 checks the first bfd_instance.
func bfd0(f func(BFDInstance) bool) func(*Config) bool {
	return func(c *Config) bool { return len(c.BFDs) > 0 && f(c.BFDs[0]) }
}

func TestBFDKeywordEdges(t *testing.T) {
	blk := func(lines string) string { return bfdBlock("b", "neighbor_ip 192.0.2.2\n"+lines+"\n") }
	const kw = 3 // the line of the keyword under test
	runSemRows(t, []semRow{
		{"ttl 0 keeps 255", blk("ttl 0"), bfd0(func(b BFDInstance) bool { return b.TTL == 255 }),
			[]want{warnAt(kw, "ttl: number '0' outside range [1, 255]"), warnAt(kw, "BFD instance b ttl/hoplimit value 0 not valid (must be in range [1-255]), ignoring")}},
		{"hoplimit 1", blk("hoplimit 1"), bfd0(func(b BFDInstance) bool { return b.TTL == 1 }), nil},
		{"max_hops -2", blk("max_hops -2"), bfd0(func(b BFDInstance) bool { return b.MaxHops == 0 }),
			[]want{warnAt(kw, "max_hops: number '-2' outside range [-1, 255]"), warnAt(kw, "BFD instance b max_hops value -2 not valid (must be in range [-1-255]), ignoring")}},
		{"max_hops 256", blk("max_hops 256"), bfd0(func(b BFDInstance) bool { return b.MaxHops == 0 }),
			[]want{warnAt(kw, "max_hops: number '256' outside range [-1, 255]"), warnAt(kw, "BFD instance b max_hops value 256 not valid (must be in range [-1-255]), ignoring")}},
		{"max_hops 255 with default ttl", blk("max_hops 255"), bfd0(func(b BFDInstance) bool { return b.MaxHops == 255 }), nil},
		{"multiplier 256", blk("multiplier 256"), bfd0(func(b BFDInstance) bool { return b.Multiplier == 5 }),
			[]want{warnAt(kw, "multiplier: number '256' outside range [1, 255]"), warnAt(kw, "BFD instance b multiplier value 256 not valid (must be in range [1-255]), ignoring")}},
		{"multiplier 255", blk("multiplier 255"), bfd0(func(b BFDInstance) bool { return b.Multiplier == 255 }), nil},
		{"weight -254", blk("weight -254"), bfd0(func(b BFDInstance) bool { return b.Weight == 0 }),
			[]want{warnAt(kw, "weight: number '-254' outside range [-253, 253]"), warnAt(kw, "BFD instance b weight value -254 not valid (must be in range [-253-253]), ignoring")}},
		{"weight 253 reverse", blk("weight 253 reverse"), bfd0(func(b BFDInstance) bool { return b.Weight == 253 && b.Reverse }), nil},
		{"min_tx past 2^32 µs", blk("min_tx 4294967.296"), bfd0(func(b BFDInstance) bool { return b.MinTx == 10*time.Millisecond }),
			[]want{warnAt(kw, "BFD instance b min_tx value 4294967.296 is not valid (must be in range [1-4294967]), ignoring")}},
		{"min_rx 1 is the floor", blk("min_rx 1"), bfd0(func(b BFDInstance) bool { return b.MinRx == time.Millisecond }), nil},
		{"idle_tx 1000 is the floor", blk("idle_tx 1000"), bfd0(func(b BFDInstance) bool { return b.IdleTx == time.Second }), nil},
		{"idle_tx fraction", blk("idle_tx 1000.5"), bfd0(func(b BFDInstance) bool { return b.IdleTx == 1000500*time.Microsecond }), nil},
		{"vrrp and checker both", blk("vrrp\nchecker"), bfd0(func(b BFDInstance) bool { return b.ToVRRP && b.ToChecker }), nil},
		{"v6 source and neighbor", bfdBlock("b", "neighbor_ip 2001:db8::2\nsource_ip 2001:db8::1\n"),
			bfd0(func(b BFDInstance) bool { return b.Settings.Source.String() == "2001:db8::1" && b.TTL == 64 }), nil},
		{"same neighbor, other source", bfdBlock("b", "neighbor_ip 192.0.2.2\nsource_ip 192.0.2.1\n") +
			bfdBlock("c", "neighbor_ip 192.0.2.2\nsource_ip 192.0.2.3\n"),
			func(c *Config) bool { return len(c.BFDs) == 2 }, nil},
	})
}

// TestBFDSourceMalformed: a source_ip that is no address is refused and
// the instance kept without one with keepalived 2.2.7's message.
func TestBFDSourceMalformed(t *testing.T) {
	runSemRows(t, []semRow{
		{"short v4", bfdBlock("b", "neighbor_ip 192.0.2.2\nsource_ip 192.0.2\n"),
			bfd0(func(b BFDInstance) bool { return !b.Settings.Source.IsValid() }),
			[]want{warnAt(3, "BFD instance b has malformed source address 192.0.2, ignoring")}},
	})
}
