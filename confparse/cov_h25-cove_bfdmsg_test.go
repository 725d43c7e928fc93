package confparse

import "testing"

// bfd_instance messages as keepalived 2.2.7 -t gives them: the instance's
// own line after a refused number, and the checks made when the block ends
// reported at its closing brace.
func TestBFDKeepalivedMessages(t *testing.T) {
	blk := func(lines string) string { return bfdBlock("b1", "neighbor_ip 192.0.2.2\n"+lines+"\n") }
	const kw = 3
	runSemRows(t, []semRow{
		{"hoplimit 0 names ttl/hoplimit", blk("hoplimit 0"), bfd0(func(b BFDInstance) bool { return b.TTL == 255 }),
			[]want{warnAt(kw, "hoplimit: number '0' outside range [1, 255]"),
				warnAt(kw, "BFD instance b1 ttl/hoplimit value 0 not valid (must be in range [1-255]), ignoring")}},
		{"ttl not a number", blk("ttl many"), bfd0(func(b BFDInstance) bool { return b.TTL == 255 }),
			[]want{warnAt(kw, "ttl: invalid number 'many'"),
				warnAt(kw, "BFD instance b1 ttl/hoplimit value many not valid (must be in range [1-255]), ignoring")}},
		{"refused ttl keeps an earlier one", blk("ttl 9\nttl 300"), bfd0(func(b BFDInstance) bool { return b.TTL == 9 }),
			[]want{warnAt(kw+1, "ttl: number '300' outside range [1, 255]"),
				warnAt(kw+1, "BFD instance b1 ttl/hoplimit value 300 not valid (must be in range [1-255]), ignoring")}},
		{"multiplier 0", blk("multiplier 0"), bfd0(func(b BFDInstance) bool { return b.Multiplier == 5 }),
			[]want{warnAt(kw, "multiplier: number '0' outside range [1, 255]"),
				warnAt(kw, "BFD instance b1 multiplier value 0 not valid (must be in range [1-255]), ignoring")}},
		{"weight 254 still reads reverse", blk("weight 254 reverse"), bfd0(func(b BFDInstance) bool { return b.Weight == 0 && b.Reverse }),
			[]want{warnAt(kw, "weight: number '254' outside range [-253, 253]"),
				warnAt(kw, "BFD instance b1 weight value 254 not valid (must be in range [-253-253]), ignoring")}},
		{"malformed v6 source", blk("source_ip 2001:db8::g"), bfd0(func(b BFDInstance) bool { return !b.Settings.Source.IsValid() }),
			[]want{warnAt(kw, "BFD instance b1 has malformed source address 2001:db8::g, ignoring")}},
		{"malformed source keeps an earlier one", blk("source_ip 192.0.2.1\nsource_ip x"),
			bfd0(func(b BFDInstance) bool { return b.Settings.Source.String() == "192.0.2.1" }),
			[]want{warnAt(kw+1, "BFD instance b1 has malformed source address x, ignoring")}},
		{"max_hops above ttl at the brace", blk("max_hops 30\nttl 20\npassive"),
			bfd0(func(b BFDInstance) bool { return b.MaxHops == 20 && b.Passive }),
			[]want{warnAt(6, "BFD instance b1: max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit")}},
		{"family mismatch at the brace", blk("source_ip 2001:db8::1\nmultiplier 3"),
			func(c *Config) bool { return len(c.BFDs) == 0 },
			[]want{warnAt(5, "BFD instance b1 source address 2001:db8::1 and neighbor address 192.0.2.2 are not of the same family, disabling instance")}},
	})
}
