package confparse

import "testing"

// A bfd_instance keyword written without its value (one the grammar lets
// through, unlike keepalived's "missing a parameter" stops): one "needs a
// value" line at the keyword, the default kept, and the block read on.
func TestBareBFDKeywordKeepsDefault(t *testing.T) {
	runSemRows(t, []semRow{
		{"bfd source_ip", bfdBlock("b", "neighbor_ip 192.0.2.2\nsource_ip\n"),
			bfd0(func(b BFDInstance) bool { return !b.Settings.Source.IsValid() }), []want{warnAt(3, "'source_ip' needs a value")}},
		{"bfd min_rx", bfdBlock("b", "neighbor_ip 192.0.2.2\nmin_rx\n"),
			bfd0(func(b BFDInstance) bool { return b.MinRx > 0 }), []want{warnAt(3, "'min_rx' needs a value")}},
		{"bfd_instance without a name", "bfd_instance {\nneighbor_ip 192.0.2.2\n}\n",
			func(c *Config) bool { return len(c.BFDs) == 0 }, []want{warnAt(1, "'bfd_instance' needs a value")}},
	})
}
